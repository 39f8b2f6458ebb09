import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { compareWithRecording } from '../../sandbox/moodle/compareWithRecording.ts';
import { fixtureSiteSeed, INT101_END, INT101_START } from '../../sandbox/moodle/fixtureSiteSeed.ts';
import { parseMoodleXml } from '../../sandbox/moodle/parseMoodleXml.ts';
import { loadMoodleFixtures, MOODLE_FIXTURES_DIR, type MoodleFixture } from '../helpers/moodleFixtures.ts';
import { createMoodleSimulator, type MoodleSeed, type MoodleSimulator } from '../../sandbox/moodleSimulator.ts';

/**
 * The contract: every recording in tests/fixtures/moodle/ is replayed against a fresh
 * simulator set up in the state the recording implies, and the answer must match (status,
 * content type, JSON types and key order everywhere, array lengths, every value except
 * timestamps and the course image URL, errors and debuginfo exactly). A new fixture file is picked up automatically;
 * one the simulator cannot answer fails.
 */

const FIXTURES_DIR = MOODLE_FIXTURES_DIR;
const SHARED_DIR =
  process.env.MOODLE_FIXTURES_SOURCE ?? fileURLToPath(new URL('../../../shared/fixtures/moodle/', import.meta.url));
/** The recording machine's clock (Nov 2026): deleted usernames and enrolment dates behave as recorded. */
const RECORDED_NOW = 1795310900;
const RECORDED_SITE = 'http://127.0.0.1:8088';
/** Timestamps, and the course image URL (it holds the course's context id, 17 on the recorded site). Ids are compared. */
const VOLATILE_KEYS = new Set(['timecreated', 'timemodified', 'cacherev', 'courseimage']);

type Fixture = MoodleFixture;

interface Prepared {
  /** Replaces a `<token of …>` placeholder in the recorded request. */
  token?: string;
  /** Extra checks after the replay (e.g. what the call changed). */
  verify?: (t: Test, sim: MoodleSimulator) => void;
}
type Setup = (sim: MoodleSimulator, fixture: Fixture) => Prepared | void;

// ---- building blocks for the states the recordings imply -------------------------------

const site =
  (edit: (seed: MoodleSeed) => void = () => {}): Setup =>
  (sim) => {
    const seed = fixtureSiteSeed();
    edit(seed);
    sim.seed(seed);
  };
const withoutCourses: Setup = site((s) =>
  Object.assign(s, { courses: [], enrolments: [], cohorts: [], assignments: [] }),
);
const withoutEnrolments: Setup = site((s) => (s.enrolments = []));
const then =
  (...steps: Setup[]): Setup =>
  (sim, fixture) => {
    let prepared: Prepared | void = undefined;
    for (const step of steps) prepared = step(sim, fixture) ?? prepared;
    return prepared;
  };
/** core_user_update_users__ok: jdoe became Janet from Hamburg. */
const janet: Setup = (sim) =>
  void Object.assign(
    sim.state.users.find((u) => u.id === 4)!,
    { firstname: 'Janet', city: 'Hamburg' },
  );
/** core_course_update_courses__ok: INT101 renamed and hidden (make_visible shows it again). */
const int101Updated =
  (visible: number): Setup =>
  (sim) =>
    void Object.assign(
      sim.state.courses.find((c) => c.id === 2)!,
      { fullname: 'Integration 101 (updated)', visible },
    );
/** enrol_manual_enrol_users__ok_with_dates_suspended: cbrown, suspended, with dates. */
const cbrownSuspended: Setup = (sim) =>
  sim.seed({
    enrolments: [{ userid: 6, courseid: 2, roleid: 5, suspended: true, timestart: INT101_START, timeend: INT101_END }],
  });
/** dgreen suspended (core_user_update_users__suspend) then deleted (core_user_delete_users__ok). */
const dgreenDeleted: Setup = site((s) =>
  Object.assign(
    s.users!.find((u) => u.id === 7)!,
    { suspended: true, deleted: true },
  ),
);
/** The service as the recording lists it (the recorded site added mod_assign's functions later). */
const recordedService: Setup = (sim, fixture) => {
  const info = (fixture.response_raw ? parseMoodleXml(fixture.response_raw) : fixture.response) as {
    functions: { name: string }[];
  };
  sim.state.config.serviceFunctions = info.functions.map((f) => f.name);
};

const SETUPS: Record<string, Setup> = {
  core_cohort_add_cohort_members__already_member_and_unknown: site((s) => (s.cohorts![0]!.members = [4])),
  core_cohort_create_cohorts__ok: site((s) => (s.cohorts = [])),
  core_course_create_categories__ok: () => {},
  core_course_create_courses__ok: withoutCourses,
  core_course_create_courses__ok_minimal: site((s) => (s.courses = s.courses!.filter((c) => c.id === 2))),
  core_course_get_categories__all: () => {},
  core_course_get_courses_by_field__id_found: withoutEnrolments,
  core_course_get_courses_by_field__idnumber_found: withoutEnrolments,
  core_course_get_courses_by_field__shortname_found: withoutEnrolments,
  core_enrol_get_enrolled_users__after_unenrol: then(site(), janet),
  core_enrol_get_enrolled_users__ok: then(site(), janet, int101Updated(0), cbrownSuspended),
  core_enrol_get_enrolled_users__ok_userfields_limited: then(site(), janet, int101Updated(0), cbrownSuspended),
  core_enrol_get_users_courses__hidden_course_excluded: then(site(), janet, int101Updated(0), cbrownSuspended),
  core_enrol_get_users_courses__ok: then(site(), janet, int101Updated(1), cbrownSuspended),
  core_user_create_users__ok: (sim) => void plainUserToken(sim),
  core_user_create_users__ok_createpassword: then(
    (sim) => void plainUserToken(sim),
    (sim) => sim.seed({ users: [fixtureSiteSeed().users![0]!] }),
  ),
  core_user_create_users__ok_two_users: then(
    (sim) => void plainUserToken(sim),
    (sim) => sim.seed({ users: fixtureSiteSeed().users!.slice(0, 2) }),
  ),
  core_user_delete_users__already_deleted: dgreenDeleted,
  core_user_get_users_by_field__id_after_update: then(site(), janet),
  core_user_get_users_by_field__id_deleted_user: dgreenDeleted,
  core_webservice_get_site_info__ok: then(site(), recordedService),
  core_webservice_get_site_info__xml_default_format: then(site(), recordedService),
  core_webservice_get_site_info__user_without_rest_use_capability: (sim) => ({ token: plainUserToken(sim) }),
  core_webservice_get_site_info__user_without_rest_use_capability_debuginfo: (sim) => ({ token: plainUserToken(sim) }),
  core_webservice_get_site_info__webservices_disabled: (sim) => void (sim.state.config.webservicesEnabled = false),
  enrol_manual_enrol_users__ok: then(withoutEnrolments, (): Prepared => ({
    verify: (t, sim) =>
      t.same(
        sim.state.enrolments.map((e) => [e.userid, e.status]),
        [
          [4, 0],
          [5, 0],
        ],
        'both enrolled, active',
      ),
  })),
  enrol_manual_enrol_users__re_enrol_existing: then(site(), (sim): Prepared => {
    const before = structuredClone(sim.state.enrolments);
    return { verify: (t, sim) => t.same(sim.state.enrolments, before, 'the identical enrolment is untouched') };
  }),
  enrol_manual_enrol_users__welcome_email_send_failure: then(site(), (sim): Prepared => {
    sim.state.config.welcomeEmailFails = true;
    return {
      verify: (t, sim) =>
        t.ok(
          sim.state.enrolments.some((e) => e.userid === 6 && e.courseid === 2 && e.status === 1),
          'the enrolment was committed anyway',
        ),
    };
  }),
  enrol_manual_unenrol_users__ok: then(site(), cbrownSuspended),
  mod_assign_get_grades__ok: then(dgreenDeleted, (sim) =>
    sim.seed({
      grades: [
        { assignmentid: 1, userid: 4, grade: 85.5 },
        { assignmentid: 1, userid: 7, grade: 50 },
      ],
    }),
  ),
  mod_assign_save_grade__deleted_not_enrolled_user_accepted: dgreenDeleted,
};
/** Everything else: the recorded site (users 4–7, CAT-INT, INT101/INT102, jdoe and bsmith enrolled, cohort 1, assignment 1). */
const DEFAULT_SETUP: Setup = site();

/** User 3 of the recorded site: a plain authenticated user, whose token lacks webservice/rest:use. */
function plainUserToken(sim: MoodleSimulator): string {
  sim.seed({ users: [{ id: 3, username: 'plain.user', email: 'plain.user@example.com' }] });
  return sim.addToken(3, { restUse: false });
}

// ---- the tests ---------------------------------------------------------------------------

const fixtures = loadMoodleFixtures();
const files = fixtures.map((f) => f.file);

t.test('tests/fixtures/moodle/ is a byte-identical copy of the shared recordings', async (t) => {
  if (!existsSync(SHARED_DIR)) {
    t.comment(`${SHARED_DIR} does not exist here: only the local copy is checked (it must hold recordings)`);
    t.ok(files.length > 0, 'the local copy has recordings');
    return;
  }
  t.comment(`comparing with ${SHARED_DIR}`);
  const shared = readdirSync(SHARED_DIR).sort();
  const local = readdirSync(FIXTURES_DIR).sort();
  t.same(local, shared, 'the same file names, README.md and EVENTS.md included');
  for (const name of shared) {
    t.ok(
      readFileSync(`${SHARED_DIR}${name}`).equals(readFileSync(`${FIXTURES_DIR}${name}`)),
      `${name} is byte-identical`,
    );
  }
});

t.test('every setup in the table belongs to an existing recording', async (t) => {
  const known = new Set(files.map((f) => f.replace(/\.json$/, '')));
  t.same(
    Object.keys(SETUPS).filter((name) => !known.has(name)),
    [],
    'no stale setup',
  );
  t.ok(files.length >= 114, `${files.length} recordings found`);
});

for (const fixture of fixtures) {
  const { file } = fixture;
  t.test(`${file}: the simulator answers like the recording`, async (t) => {
    const name = file.replace(/\.json$/, '');
    const sim = await createMoodleSimulator({ now: () => RECORDED_NOW, debug: name.endsWith('_debuginfo') });
    try {
      const prepared = (SETUPS[name] ?? DEFAULT_SETUP)(sim, fixture) ?? {};
      const body = new URLSearchParams();
      for (const [key, value] of Object.entries(fixture.request)) {
        if (key === 'wstoken' && value === '<token>') body.append(key, sim.token);
        else if (key === 'wstoken' && value.startsWith('<token')) {
          if (prepared.token === undefined) t.fail(`no setup gives a token for ${value}`);
          body.append(key, prepared.token ?? '');
        } else body.append(key, value);
      }
      const res = await fetch(sim.endpoint, { method: 'POST', body });
      const text = await res.text();
      t.equal(res.status, fixture.status, 'HTTP status');
      t.equal(res.headers.get('content-type'), fixture.http.response_content_type, 'content type');
      const options = { volatileKeys: VOLATILE_KEYS, normalize: (s: string) => s.split(sim.url).join(RECORDED_SITE) };
      let differences: string[];
      if (fixture.http.response_content_type.startsWith('application/json')) {
        differences = compareWithRecording(fixture.response, JSON.parse(text), options);
      } else if (fixture.http.response_content_type.startsWith('application/xml')) {
        differences = compareWithRecording(parseMoodleXml(fixture.response_raw ?? ''), parseMoodleXml(text), options);
      } else {
        differences =
          text === fixture.response_raw
            ? []
            : [`body: recorded ${JSON.stringify(fixture.response_raw)}, got ${JSON.stringify(text)}`];
      }
      t.same(differences, [], 'the answer matches the recording');
      prepared.verify?.(t, sim);
    } finally {
      await sim.close();
    }
  });
}
