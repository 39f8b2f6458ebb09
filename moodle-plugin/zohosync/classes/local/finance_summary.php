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

namespace local_zohosync\local;

/**
 * The derived finance figures of one registration (docs/design.md "Zoho → Moodle").
 *
 * total = sum of the installment amounts; paid = sum of the payments that are not voided;
 * balance = max(0, total − paid); an installment is overdue when its due date is before
 * today and its status is not "Paid". Exact integer cents throughout. Pure PHP.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class finance_summary {
    /** @var string The installment status (case-insensitive) that means settled. */
    public const PAID_STATUS = 'paid';

    /**
     * Computes the summary.
     *
     * @param array<int, array{amount: ?string, duedate: ?string, status: ?string}> $installments
     * @param array<int, array{amount: ?string, voided: int|bool|string}> $payments Payments of this registration.
     * @param string $today Today's date as YYYY-MM-DD, in the user's timezone.
     * @return array{totalcents: int, paidcents: int, balancecents: int, overduecount: int, overduecents: int,
     *     progresspercent: int, overdue: array<int, bool>}
     * @throws \InvalidArgumentException When an amount is malformed.
     */
    public static function compute(array $installments, array $payments, string $today): array {
        $total = 0;
        $overduecount = 0;
        $overduecents = 0;
        $overdue = [];
        foreach ($installments as $index => $installment) {
            $amount = money::sum([$installment['amount'] ?? null]);
            $total += $amount;
            $isoverdue = self::is_overdue($installment['duedate'] ?? null, $installment['status'] ?? null, $today);
            $overdue[$index] = $isoverdue;
            if ($isoverdue) {
                $overduecount++;
                $overduecents += $amount;
            }
        }
        $paid = 0;
        foreach ($payments as $payment) {
            if (!empty($payment['voided'])) {
                continue;
            }
            $paid += money::sum([$payment['amount'] ?? null]);
        }
        $balance = max(0, $total - $paid);
        $progress = $total > 0 ? (int) min(100, intdiv(max(0, $paid) * 100, $total)) : 0;
        return [
            'totalcents' => $total,
            'paidcents' => $paid,
            'balancecents' => $balance,
            'overduecount' => $overduecount,
            'overduecents' => $overduecents,
            'progresspercent' => $progress,
            'overdue' => $overdue,
        ];
    }

    /**
     * Whether one installment is overdue on a given day.
     *
     * @param string|null $duedate YYYY-MM-DD or null.
     * @param string|null $status The installment status from Zoho (e.g. Pending, Paid).
     * @param string $today YYYY-MM-DD.
     * @return bool
     */
    public static function is_overdue(?string $duedate, ?string $status, string $today): bool {
        if ($duedate === null || $duedate === '') {
            return false;
        }
        if (strtolower(trim((string) $status)) === self::PAID_STATUS) {
            return false;
        }
        // ISO dates compare correctly as strings.
        return strcmp($duedate, $today) < 0;
    }
}
