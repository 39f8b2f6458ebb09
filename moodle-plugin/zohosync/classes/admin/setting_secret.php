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

namespace local_zohosync\admin;

use local_zohosync\local\signer;

/**
 * The signing-secret setting: a password field that only accepts a Standard Webhooks secret.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class setting_secret extends \admin_setting_configpasswordunmask {
    /**
     * Accepts '' (not configured yet) or a `whsec_` secret of 24 to 64 bytes.
     *
     * @param string $data The submitted value.
     * @return bool|string True, or the error shown to the admin.
     */
    public function validate($data) {
        $data = trim((string) $data);
        if ($data === '' || signer::is_valid_secret($data)) {
            return true;
        }
        return get_string('settings:secret:invalid', 'local_zohosync');
    }

    /**
     * Stores the secret without surrounding spaces (a common paste accident).
     *
     * @param string $data The submitted value.
     * @return string '' on success, else the error.
     */
    public function write_setting($data) {
        return parent::write_setting(trim((string) $data));
    }
}
