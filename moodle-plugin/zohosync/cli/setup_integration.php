<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

/**
 * One-command setup of the sync service's access to this Moodle: web services over REST, the
 * integration user, its role (exactly the capabilities of integration_requirements), the role
 * assignments it may make, its authorisation on the plugin's "Zoho sync service", a token, and
 * the plugin's integration user. Idempotent: run it again after an upgrade or to repair.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

define('CLI_SCRIPT', true);

require(__DIR__ . '/../../../config.php');
require_once($CFG->libdir . '/clilib.php');
require_once($CFG->dirroot . '/user/lib.php');
require_once($CFG->libdir . '/accesslib.php');

use local_zohosync\local\integration_requirements as requirements;

[$options, $unrecognised] = cli_get_params([
    'help' => false,
    'dry-run' => false,
    'username' => requirements::DEFAULT_USERNAME,
    'email' => '',
    'assignable-roles' => implode(',', requirements::DEFAULT_ASSIGNABLE_ROLES),
    'service-url' => '',
    'allow-service-url' => false,
], ['h' => 'help', 'n' => 'dry-run']);

if ($unrecognised) {
    cli_error('Unknown option(s): ' . implode(', ', $unrecognised) . '. See --help.', 2);
}

if ($options['help']) {
    echo "Sets up this Moodle for the Moodle-Zoho sync service, and prints MOODLE_URL and MOODLE_TOKEN.

Usage: php local/zohosync/cli/setup_integration.php [options]

  --username=NAME          integration user (default: " . requirements::DEFAULT_USERNAME . "; created if missing)
  --email=ADDRESS          its e-mail when created (default: NAME@<site host>.invalid)
  --assignable-roles=LIST  roles it may assign, shortnames or ids, comma-separated: the service's
                           moodle.roles setting (default: " . implode(',', requirements::DEFAULT_ASSIGNABLE_ROLES) . ")
  --service-url=URL        the sync service's address: stored as the plugin's service URL and
                           checked against Moodle's HTTP security (curlsecurityblockedhosts/allowedport)
  --allow-service-url      when that security blocks the service URL, unblock exactly its host and
                           port (needed when the service runs on this server, e.g. 127.0.0.1:8080)
  -n, --dry-run            print what would change, change nothing
  -h, --help               this help

Run it as the web server's user (e.g. sudo -u www-data php ...). Safe to run again.
";
    exit(0);
}

$dryrun = (bool) $options['dry-run'];
$changes = 0;
$problems = [];

/**
 * Prints one step: what is already right, or what is (or would be) changed.
 *
 * @param bool $changed Whether this step changes something.
 * @param string $message What it is.
 */
$report = function (bool $changed, string $message) use ($dryrun, &$changes): void {
    if ($changed) {
        $changes++;
    }
    cli_writeln(($changed ? ($dryrun ? '  would: ' : '  done:  ') : '  ok:    ') . $message);
};

$username = core_user::clean_field(trim((string) $options['username']), 'username');
if ($username === '' || $username !== trim((string) $options['username'])) {
    cli_error("--username: '{$options['username']}' is not a valid Moodle username (lower case letters, digits, . _ - @)", 2);
}
$systemcontext = context_system::instance();

cli_heading('Web services');
if (empty($CFG->enablewebservices)) {
    $report(true, 'enable web services (enablewebservices = 1)');
    if (!$dryrun) {
        set_config('enablewebservices', 1);
    }
} else {
    $report(false, 'web services are enabled');
}
$protocols = array_filter(explode(',', (string) ($CFG->webserviceprotocols ?? '')));
if (!in_array('rest', $protocols, true)) {
    $report(true, 'enable the REST protocol (webserviceprotocols += rest)');
    if (!$dryrun) {
        set_config('webserviceprotocols', implode(',', array_merge($protocols, ['rest'])));
    }
} else {
    $report(false, 'the REST protocol is enabled');
}

cli_heading('Integration user');
$user = $DB->get_record('user', ['username' => $username, 'mnethostid' => $CFG->mnet_localhost_id, 'deleted' => 0]);
if (!$user) {
    $host = parse_url($CFG->wwwroot, PHP_URL_HOST) ?: 'moodle';
    $email = trim((string) $options['email']) ?: "{$username}@{$host}.invalid";
    if (!validate_email($email)) {
        cli_error("--email: '{$email}' is not a valid e-mail address", 2);
    }
    $report(true, "create user '{$username}' (manual accounts, a random password nobody knows; it only uses its token)");
    if (!$dryrun) {
        $userid = user_create_user((object) [
            'username' => $username,
            'auth' => 'manual',
            'password' => generate_password(32) . 'Aa1!',
            'firstname' => 'Zoho',
            'lastname' => 'Sync service',
            'email' => $email,
            'confirmed' => 1,
            'mnethostid' => $CFG->mnet_localhost_id,
        ], true, false);
        $user = $DB->get_record('user', ['id' => $userid], '*', MUST_EXIST);
    }
} else {
    if ($user->suspended) {
        $report(true, "unsuspend user '{$username}' (a suspended user's token is refused)");
        if (!$dryrun) {
            $user->suspended = 0;
            user_update_user($user, false, false);
        }
    } else {
        $report(false, "user '{$username}' exists (id {$user->id}, auth {$user->auth})");
    }
    if ($user->auth === 'nologin' || !is_enabled_auth($user->auth)) {
        $problems[] = "user '{$username}' uses the authentication method '{$user->auth}', which cannot use web services: "
            . "set it to 'manual' (Site administration > Users > Browse list of users > Edit profile).";
    }
}

cli_heading('Role ' . requirements::ROLE_SHORTNAME);
$missingcaps = array_values(array_filter(array_keys(requirements::CAPABILITIES), fn($cap) => !get_capability_info($cap)));
if ($missingcaps) {
    cli_error('These capabilities do not exist on this site: ' . implode(', ', $missingcaps)
        . '. Is local_zohosync installed and the site upgraded (php admin/cli/upgrade.php)?', 3);
}
$role = $DB->get_record('role', ['shortname' => requirements::ROLE_SHORTNAME]);
if (!$role) {
    $report(true, "create the system role '" . requirements::ROLE_SHORTNAME . "'");
    if (!$dryrun) {
        $roleid = create_role('Zoho sync service', requirements::ROLE_SHORTNAME,
            'Capabilities of the Moodle-Zoho sync service (managed by local/zohosync/cli/setup_integration.php).', '');
        $role = $DB->get_record('role', ['id' => $roleid], '*', MUST_EXIST);
    }
} else {
    $report(false, "role exists (id {$role->id})");
}
if ($role) {
    $levels = get_role_contextlevels($role->id);
    if (!in_array(CONTEXT_SYSTEM, array_map('intval', $levels), true)) {
        $report(true, 'let the role be assigned in the system context');
        if (!$dryrun) {
            set_role_contextlevels($role->id, array_merge($levels, [CONTEXT_SYSTEM]));
        }
    }
    $granted = $DB->get_records_menu('role_capabilities', ['roleid' => $role->id, 'contextid' => $systemcontext->id], '', 'capability, permission');
    foreach (requirements::CAPABILITIES as $cap => $why) {
        if ((int) ($granted[$cap] ?? 0) !== CAP_ALLOW) {
            $report(true, "allow {$cap} ({$why})");
            if (!$dryrun) {
                assign_capability($cap, CAP_ALLOW, $role->id, $systemcontext->id, true);
            }
        }
    }
    foreach (array_diff(array_keys($granted), array_keys(requirements::CAPABILITIES)) as $extra) {
        $report(true, "remove {$extra} (not needed by the service)");
        if (!$dryrun) {
            unassign_capability($extra, $role->id, $systemcontext->id);
        }
    }
    if (count(array_intersect_key($granted, requirements::CAPABILITIES)) === count(requirements::CAPABILITIES)) {
        $report(false, count(requirements::CAPABILITIES) . ' capabilities allowed');
    }

    // Moodle only lets a role assign the roles listed in "Allow role assignments".
    foreach (array_filter(array_map('trim', explode(',', (string) $options['assignable-roles']))) as $wanted) {
        $target = ctype_digit($wanted) ? $DB->get_record('role', ['id' => (int) $wanted]) : $DB->get_record('role', ['shortname' => $wanted]);
        if (!$target) {
            $shortnames = implode(', ', $DB->get_fieldset_select('role', 'shortname', '1 = 1'));
            cli_error("--assignable-roles: no role '{$wanted}' on this site (roles: {$shortnames})", 2);
        }
        if ($DB->record_exists('role_allow_assign', ['roleid' => $role->id, 'allowassign' => $target->id])) {
            $report(false, "may assign '{$target->shortname}' (id {$target->id})");
        } else {
            $report(true, "allow it to assign '{$target->shortname}' (id {$target->id})");
            if (!$dryrun) {
                core_role_set_assign_allowed($role->id, $target->id);
            }
        }
    }
}
if ($user && $role) {
    if (user_has_role_assignment($user->id, $role->id, $systemcontext->id)) {
        $report(false, "'{$username}' holds the role in the system context");
    } else {
        $report(true, "assign the role to '{$username}' in the system context");
        if (!$dryrun) {
            role_assign($role->id, $user->id, $systemcontext->id);
        }
    }
} else if ($dryrun) {
    $report(true, "assign the role to '{$username}' in the system context");
}

cli_heading('Service "Zoho sync service" (local_zohosync)');
$service = $DB->get_record('external_services', ['shortname' => 'local_zohosync']);
if (!$service) {
    cli_error('The plugin\'s service is missing: upgrade the site (php admin/cli/upgrade.php) so local_zohosync installs it.', 3);
}
$functions = $DB->get_fieldset_select('external_services_functions', 'functionname', 'externalserviceid = ?', [$service->id]);
$missingfunctions = array_diff(requirements::CORE_FUNCTIONS, $functions);
if ($missingfunctions) {
    $problems[] = 'the service lacks ' . implode(', ', $missingfunctions) . ': upgrade the site (php admin/cli/upgrade.php).';
} else {
    $report(false, count($functions) . ' functions in the service');
}
if (!$service->enabled) {
    $report(true, 'enable the service');
    if (!$dryrun) {
        $DB->set_field('external_services', 'enabled', 1, ['id' => $service->id]);
    }
}
$token = null;
if ($user) {
    if ($DB->record_exists('external_services_users', ['externalserviceid' => $service->id, 'userid' => $user->id])) {
        $report(false, "'{$username}' is authorised on the service");
    } else {
        $report(true, "authorise '{$username}' on the service");
        if (!$dryrun) {
            $DB->insert_record('external_services_users', (object) [
                'externalserviceid' => $service->id, 'userid' => $user->id, 'iprestriction' => null,
                'validuntil' => null, 'timecreated' => time(),
            ]);
        }
    }
    $existing = $DB->get_record_select('external_tokens',
        'userid = ? AND externalserviceid = ? AND tokentype = ? AND (validuntil = 0 OR validuntil > ?)',
        [$user->id, $service->id, EXTERNAL_TOKEN_PERMANENT, time()], '*', IGNORE_MULTIPLE);
    if ($existing) {
        $report(false, 'a token exists (created ' . userdate($existing->timecreated) . ')');
        $token = $existing->token;
    } else {
        $report(true, "create a token for '{$username}' on the service");
        if (!$dryrun) {
            $token = \core_external\util::generate_token(EXTERNAL_TOKEN_PERMANENT, $service, $user->id, $systemcontext, 0, '',
                'Moodle-Zoho sync service');
        }
    }
} else if ($dryrun) {
    $report(true, "authorise '{$username}' on the service and create its token");
}

cli_heading('Plugin settings');
if ($user && (int) get_config('local_zohosync', 'integrationuserid') !== (int) $user->id) {
    $report(true, "set the plugin's integration user to '{$username}' (what it does is not sent back to the service)");
    if (!$dryrun) {
        set_config('integrationuserid', $user->id, 'local_zohosync');
    }
} else if ($user) {
    $report(false, "the plugin's integration user is '{$username}'");
}
$serviceurl = rtrim(trim((string) $options['service-url']), '/');
if ($serviceurl !== '') {
    if (!preg_match('~^https?://[^/\s]+~i', $serviceurl)) {
        cli_error("--service-url: '{$serviceurl}' is not an http(s) URL", 2);
    }
    if (rtrim((string) get_config('local_zohosync', 'serviceurl'), '/') !== $serviceurl) {
        $report(true, "set the plugin's service URL to {$serviceurl}");
        if (!$dryrun) {
            set_config('serviceurl', $serviceurl, 'local_zohosync');
        }
    } else {
        $report(false, "the plugin's service URL is {$serviceurl}");
    }
}
$checkurl = $serviceurl !== '' ? $serviceurl : rtrim((string) get_config('local_zohosync', 'serviceurl'), '/');
if ($checkurl !== '') {
    // The entries that block the host (itself, a range holding it, its reverse-DNS name) and the port:
    // worked out by the plugin's one HTTP security check, also used by deliveries and the integration status.
    $security = \local_zohosync\local\http_security::check($checkurl . '/health');
    if ($security['allowed']) {
        $report(false, "Moodle's HTTP security lets the plugin reach {$checkurl}");
    } else if ($security['setting'] === '') {
        // Not a setting: DNS, or not an http(s) URL.
        $problems[] = $security['detail'];
    } else {
        $fixes = [];
        if ($security['blockinghosts']) {
            $fixes[] = 'remove ' . implode(', ', $security['blockinghosts']) . ' from curlsecurityblockedhosts';
        }
        if ($security['portblocked']) {
            $fixes[] = "add {$security['port']} to curlsecurityallowedport";
        }
        if ($options['allow-service-url']) {
            $report(true, "unblock {$checkurl} in Moodle's HTTP security: " . implode('; ', $fixes));
            if (!$dryrun) {
                \local_zohosync\local\http_security::unblock($security);
            }
        } else {
            $problems[] = "Moodle's HTTP security blocks {$checkurl}, so every delivery of the plugin would fail. Run again "
                . "with --allow-service-url to " . implode(' and ', $fixes) . ' (Site administration > General > Security > '
                . 'HTTP security), or serve the service on port 80/443 under a name that is not blocked.';
        }
    }
}
if (empty($CFG->noreplyaddress) || !validate_email($CFG->noreplyaddress)) {
    $problems[] = "the no-reply address (noreplyaddress) is not a valid e-mail address, so Moodle cannot send mail and "
        . "enrol_manual_enrol_users answers 'Message was not sent.' (the enrolment is saved): set it, e.g. "
        . "php admin/cli/cfg.php --name=noreplyaddress --set=noreply@your-college.example";
}

cli_heading('For the sync service (.env)');
cli_writeln('MOODLE_URL=' . $CFG->wwwroot);
cli_writeln('MOODLE_TOKEN=' . ($token ?? ($dryrun ? '(created when run without --dry-run)' : '(not created)')));
cli_writeln('');
cli_writeln($dryrun ? "Dry run: {$changes} change(s) would be made; nothing was changed."
    : ($changes ? "{$changes} change(s) made." : 'Nothing to change: everything was already set up.'));
if ($problems) {
    cli_writeln('');
    cli_writeln('Still to fix:');
    foreach ($problems as $problem) {
        cli_writeln('  - ' . $problem);
    }
    exit(1);
}
exit(0);
