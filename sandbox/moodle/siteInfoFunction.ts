import { CORE_VERSION, PLUGIN_VERSION, type MoodleFunction } from './MoodleFunction.ts';
import { fullname, isSiteAdmin } from './moodleState.ts';
import { multiple, value } from './validateParameters.ts';

const ADVANCED_FEATURES: [string, number][] = [
  ['usecomments', 1],
  ['usetags', 1],
  ['enablenotes', 1],
  ['messaging', 1],
  ['enableblogs', 1],
  ['enablecompletion', 1],
  ['enablebadges', 1],
  ['messagingallusers', 0],
  ['enablecustomreports', 1],
  ['enableglobalsearch', 0],
  ['mnet_dispatcher_mode', 0],
  ['enablecompetencies', 1],
];

/** Plugin functions carry their plugin's version, core ones Moodle's. */
export function functionVersion(name: string): string {
  return /^(enrol|mod|local|tool|auth|block|report)_/.test(name) ? PLUGIN_VERSION : CORE_VERSION;
}

/**
 * core_webservice_get_site_info as recorded. `userhomepageurl` and `usersessionscount` are
 * undefined: left out of JSON, `<VALUE null="null"/>` in XML, as Moodle does.
 */
export const siteInfoFunction: MoodleFunction = {
  name: 'core_webservice_get_site_info',
  version: CORE_VERSION,
  params: { serviceshortnames: multiple(value('alphanumext'), { default: [] }) },
  run(ctx) {
    const { state, wwwroot } = ctx;
    const user = state.users.find((u) => u.id === ctx.userid)!;
    return {
      sitename: state.config.siteName,
      username: user.username,
      firstname: user.firstname,
      lastname: user.lastname,
      fullname: fullname(user),
      lang: user.lang,
      userid: user.id,
      siteurl: wwwroot,
      userpictureurl: `${wwwroot}/theme/image.php/boost/core/${state.config.themerev}/u/f1`,
      functions: state.config.serviceFunctions.map((name) => ({ name, version: functionVersion(name) })),
      downloadfiles: 0,
      uploadfiles: 0,
      release: state.config.release,
      version: state.config.version,
      mobilecssurl: '',
      advancedfeatures: ADVANCED_FEATURES.map(([name, v]) => ({ name, value: v })),
      usercanmanageownfiles: true,
      userquota: 0,
      usermaxuploadfilesize: -1,
      userhomepage: 1,
      userhomepageurl: undefined,
      userprivateaccesskey: '00000000000000000000000000000000',
      siteid: 1,
      sitecalendartype: 'gregorian',
      usercalendartype: 'gregorian',
      userissiteadmin: isSiteAdmin(state, user.id),
      theme: 'boost',
      limitconcurrentlogins: 0,
      usersessionscount: undefined,
      policyagreed: 0,
    };
  },
};
