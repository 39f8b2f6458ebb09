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

namespace local_zohosync\output;

use local_zohosync\local\config;
use local_zohosync\local\dashboard_repository;
use local_zohosync\local\finance_summary;
use local_zohosync\local\money;
use local_zohosync\local\unit_progress;
use renderable;
use renderer_base;
use templatable;

/**
 * The student dashboard: profile, finance, programs, payments, classes and released grades.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class dashboard implements renderable, templatable {
    /**
     * @var string[] Badge classes of grade letters: Boost (Bootstrap 4) badge variants, which pick a text colour
     *      that contrasts with their background (bg-* utilities do not; measured by tests/realMoodle/dashboardScreenshots.ts).
     */
    private const LETTER_BADGES = [
        'D' => 'badge-success', 'M' => 'badge-info', 'P' => 'badge-primary', 'R' => 'badge-warning',
        'RR' => 'badge-warning', 'F' => 'badge-danger',
    ];

    /** @var string Badge class of anything else (an unknown letter, a status). */
    private const OTHER_BADGE = 'badge-secondary';

    /**
     * Creates the dashboard.
     *
     * @param \stdClass $user The student.
     * @param bool $isown Whether the student is looking at their own dashboard.
     * @param array $data From {@see \local_zohosync\local\dashboard_repository::load()}.
     * @param string $today Today as YYYY-MM-DD in the viewer's timezone.
     */
    public function __construct(
        /** @var \stdClass The student. */
        protected \stdClass $user,
        /** @var bool Whether the student is looking at their own dashboard. */
        protected bool $isown,
        /** @var array The data. */
        protected array $data,
        /** @var string Today. */
        protected string $today
    ) {
    }

    /**
     * Data for templates/dashboard.mustache.
     *
     * @param renderer_base $output The renderer.
     * @return array
     */
    public function export_for_template(renderer_base $output): array {
        $sections = [];
        foreach (config::SECTIONS as $section) {
            $sections[$section] = config::shows_section($section);
        }
        // No name or picture on screen: the page heading Moodle draws is the only header. Boost does not print that
        // heading (d-print-none), so a print-only one says whose dashboard a sheet of paper is.
        return [
            'isown' => $this->isown,
            'printheading' => get_string('dashboardof', 'local_zohosync', fullname($this->user)),
            'printdate' => $this->today,
            'showprofile' => $sections['profile'],
            'profile' => $sections['profile'] ? $this->profile() : [],
            'showfinance' => $sections['finance'],
            'finance' => $sections['finance'] ? $this->finance() : [],
            'hasfinance' => !empty($this->data['finance']),
            'showprograms' => $sections['programs'],
            'programs' => $sections['programs'] ? $this->programs() : [],
            'hasprograms' => !empty($this->data['registrations']),
            'showpayments' => $sections['payments'],
            'payments' => $sections['payments'] ? $this->payments() : [],
            'haspayments' => !empty($this->data['payments']),
            'showgrades' => $sections['grades'],
            'classes' => $sections['grades'] ? $this->classes() : [],
            'hasgrades' => !empty($this->data['grades']),
        ];
    }

    /**
     * Profile rows from the Moodle user.
     *
     * @return array
     */
    protected function profile(): array {
        $rows = [
            ['label' => get_string('fullname'), 'value' => fullname($this->user)],
            ['label' => get_string('email'), 'value' => $this->user->email],
            ['label' => get_string('studentnumber', 'local_zohosync'), 'value' => $this->user->idnumber],
            ['label' => get_string('city'), 'value' => $this->user->city],
            ['label' => get_string('country'), 'value' => $this->user->country
                ? get_string_manager()->get_list_of_countries()[$this->user->country] ?? $this->user->country : ''],
        ];
        return array_values(array_filter($rows, fn($row) => (string) $row['value'] !== ''));
    }

    /**
     * The finance summary rows (only the fields that have a value).
     *
     * @return array
     */
    protected function finance(): array {
        $finance = $this->data['finance'];
        if (!$finance) {
            return [];
        }
        $currency = (string) ($finance->currency ?? '');
        $rows = [];
        $fields = [
            'scholarship' => 'text', 'scholarshipreason' => 'text', 'scholarshippct' => 'percent', 'currency' => 'text',
            'totalamount' => 'money', 'discountamount' => 'money', 'registrationfees' => 'money',
            'amounttransferred' => 'money', 'paymentmode' => 'text', 'paymentmethod' => 'text', 'bankname' => 'text',
            'bankholder' => 'text', 'invoiceregfees' => 'text',
        ];
        foreach ($fields as $field => $type) {
            $value = $finance->$field ?? null;
            if ($value === null || $value === '') {
                continue;
            }
            if ($type === 'money') {
                $value = $this->amount(money::to_cents((string) $value), $currency);
            } else if ($type === 'percent') {
                $value = rtrim(rtrim(money::normalise((string) $value), '0'), '.') . ' %';
            }
            $rows[] = ['label' => get_string('finance:' . $field, 'local_zohosync'), 'value' => $value];
        }
        return $rows;
    }

    /**
     * Registrations with their installments and derived totals.
     *
     * @return array
     */
    protected function programs(): array {
        $programs = [];
        foreach ($this->data['registrations'] as $registration) {
            $currency = (string) ($registration->currency ?? '');
            $installments = array_map(fn($i) => ['amount' => $i->amount, 'duedate' => $i->duedate, 'status' => $i->status],
                $registration->installments);
            $payments = array_map(fn($p) => ['amount' => $p->amount, 'voided' => (int) $p->voided], $registration->payments);
            $summary = finance_summary::compute($installments, $payments, $this->today);
            $rows = [];
            foreach (array_values($registration->installments) as $index => $installment) {
                $rows[] = [
                    'number' => (int) $installment->installmentno,
                    'duedate' => (string) $installment->duedate,
                    'amount' => $this->amount(money::sum([$installment->amount]), $currency),
                    'status' => (string) $installment->status,
                    'overdue' => $summary['overdue'][$index],
                ];
            }
            $price = $registration->programprice ?? null;
            $programs[] = [
                'programname' => (string) ($registration->programname ?: get_string('unnamedprogram', 'local_zohosync')),
                'status' => (string) $registration->status,
                'registrationdate' => (string) $registration->registrationdate,
                'studymode' => (string) $registration->studymode,
                'total' => $this->amount($summary['totalcents'], $currency),
                'paid' => $this->amount($summary['paidcents'], $currency),
                'balance' => $this->amount($summary['balancecents'], $currency),
                'progress' => $summary['progresspercent'],
                'hasoverdue' => $summary['overduecount'] > 0,
                'overduecount' => $summary['overduecount'],
                'overdueamount' => $this->amount($summary['overduecents'], $currency),
                'installments' => $rows,
                'hasinstallments' => !empty($rows),
                // Without installments there is no total to owe against: show the price and say there is no
                // schedule, instead of a total, balance and progress of 0.00 that read as "nothing owed".
                'hasprice' => $price !== null && $price !== '',
                'price' => $price !== null && $price !== '' ? $this->amount(money::to_cents((string) $price), $currency) : '',
                'haspaid' => $summary['paidcents'] > 0,
            ];
        }
        return $programs;
    }

    /**
     * Payment history, newest first.
     *
     * @return array
     */
    protected function payments(): array {
        $currencies = [];
        foreach ($this->data['registrations'] as $registration) {
            $currencies[(string) $registration->zohoid] = (string) $registration->currency;
        }
        $rows = [];
        foreach ($this->data['payments'] as $payment) {
            $currency = (string) ($payment->currency ?: ($currencies[(string) $payment->registrationzohoid] ?? ''));
            $rows[] = [
                'date' => (string) $payment->paymentdate,
                'reference' => (string) $payment->paymentnumber,
                'amount' => $this->amount(money::sum([$payment->amount]), $currency),
                'method' => (string) $payment->method,
                'type' => (string) $payment->paymenttype,
                'voided' => !empty($payment->voided),
            ];
        }
        return $rows;
    }

    /**
     * Released grades grouped by class, with letter counts, learning outcomes and, on the latest attempt of a unit
     * that has a template, the unit's criteria progress.
     *
     * @return array
     */
    protected function classes(): array {
        $latest = $this->latest_attempts();
        $units = $this->units_by_key();
        $classes = [];
        foreach ($this->data['grades'] as $grade) {
            $key = $grade->courseid ? 'c' . $grade->courseid : 'z' . ($grade->classzohoid ?: $grade->classname);
            if (!isset($classes[$key])) {
                $classes[$key] = [
                    'name' => (string) ($grade->classname ?: ($grade->coursename ?? get_string('unnamedclass', 'local_zohosync'))),
                    'counts' => ['D' => 0, 'M' => 0, 'P' => 0, 'R' => 0, 'F' => 0],
                    'grades' => [],
                ];
            }
            $letter = (string) $grade->grade;
            $countas = $letter === 'RR' ? 'R' : $letter;
            if (isset($classes[$key]['counts'][$countas])) {
                $classes[$key]['counts'][$countas]++;
            }
            $unitkey = dashboard_repository::unit_key($grade->unitname);
            $progress = null;
            if (isset($units[$unitkey]) && ($latest[$unitkey] ?? null) === (int) $grade->id) {
                $progress = $this->progress($units[$unitkey], $grade->outcomes);
            }
            $classes[$key]['grades'][] = $this->grade($grade, $progress);
        }
        foreach ($classes as &$class) {
            $counts = [];
            foreach ($class['counts'] as $letter => $count) {
                if ($count > 0) {
                    $counts[] = ['letter' => $letter, 'lettername' => $this->letter_name($letter), 'count' => $count,
                        'badgeclass' => self::LETTER_BADGES[$letter]];
                }
            }
            $class['counts'] = $counts;
        }
        return array_values($classes);
    }

    /**
     * One grade for the template.
     *
     * @param \stdClass $grade The grade with its outcomes.
     * @param array|null $progress The unit progress picture, on the unit's latest attempt.
     * @return array
     */
    protected function grade(\stdClass $grade, ?array $progress): array {
        $letter = (string) $grade->grade;
        $outcomes = array_map(fn($lo) => [
            'code' => (string) $lo->code,
            'description' => (string) ($lo->definition ?: $lo->title),
            'achieved' => !empty($lo->achieved),
            'feedback' => (string) $lo->feedback,
        ], $grade->outcomes);
        return [
            'letter' => $letter !== '' ? $letter : '-',
            'lettername' => $this->letter_name($letter),
            'badgeclass' => self::LETTER_BADGES[$letter] ?? self::OTHER_BADGE,
            'unitname' => (string) $grade->unitname,
            'attempt' => $grade->attemptno ? (int) $grade->attemptno : null,
            'date' => (string) $grade->attemptdate,
            'feedback' => (string) $grade->feedback,
            'hasfeedback' => trim((string) $grade->feedback) !== '',
            'outcomes' => $outcomes,
            'hasoutcomes' => !empty($outcomes),
            'hasprogress' => $progress !== null,
            'progress' => $progress,
        ];
    }

    /**
     * The word of a grade letter (Refer, Pass, Merit …), or the letter itself when it has none.
     *
     * @param string $letter The letter.
     * @return string
     */
    protected function letter_name(string $letter): string {
        if ($letter === '') {
            return get_string('nograde', 'local_zohosync');
        }
        return get_string_manager()->string_exists('letter:' . $letter, 'local_zohosync')
            ? get_string('letter:' . $letter, 'local_zohosync') : $letter;
    }

    /**
     * Per unit, the id of its latest released grade (highest attempt, then latest date, then the newest row): its
     * learning outcomes are the criteria as last assessed.
     *
     * @return array<string, int> Unit key => grade id.
     */
    protected function latest_attempts(): array {
        $best = [];
        foreach ($this->data['grades'] as $grade) {
            $key = dashboard_repository::unit_key($grade->unitname);
            if ($key === '') {
                continue;
            }
            $rank = [(int) $grade->attemptno, (string) $grade->attemptdate, (int) $grade->id];
            if (!isset($best[$key]) || $rank > $best[$key]['rank']) {
                $best[$key] = ['rank' => $rank, 'id' => (int) $grade->id];
            }
        }
        return array_map(fn($b) => $b['id'], $best);
    }

    /**
     * The unit templates keyed by name and by unit code (see {@see dashboard_repository::unit_key()}).
     *
     * @return array<string, \stdClass>
     */
    protected function units_by_key(): array {
        $units = [];
        // Codes first, names after: a template whose name is the text wins over one that only has it as code.
        foreach (['unitcode', 'name'] as $field) {
            foreach ($this->data['units'] ?? [] as $unit) {
                $key = dashboard_repository::unit_key($unit->$field ?? '');
                if ($key !== '') {
                    $units[$key] = $unit;
                }
            }
        }
        return $units;
    }

    /**
     * The unit progress picture: per level (Pass, Merit, Distinction) its criteria with the achieved ones marked,
     * a sentence that says the same (the text alternative) and what the next grade still needs.
     *
     * @param \stdClass $unit The unit template with its criteria.
     * @param array $outcomes The grade's learning-outcome rows.
     * @return array|null Null when the template has no criteria.
     */
    protected function progress(\stdClass $unit, array $outcomes): ?array {
        $descriptions = [];
        foreach ($unit->criteria as $criterion) {
            $descriptions[strtoupper(trim((string) $criterion->code))] = (string) $criterion->description;
        }
        $achieved = array_map(fn($lo) => (string) $lo->code, array_filter($outcomes, fn($lo) => !empty($lo->achieved)));
        $result = unit_progress::compute(array_keys($descriptions), $achieved);
        if (!$result['levels']) {
            return null;
        }
        $levels = [];
        $summary = [];
        foreach ($result['levels'] as $letter => $level) {
            $a = ['level' => $this->letter_name($letter), 'achieved' => $level['achievedcount'], 'total' => $level['total']];
            $summary[] = get_string('progress:level', 'local_zohosync', (object) $a);
            $levels[] = [
                'letter' => $letter,
                'levelname' => $a['level'],
                'levelclass' => strtolower($letter),
                'counttext' => get_string('progress:count', 'local_zohosync', (object) $a),
                'complete' => $level['complete'],
                'criteria' => array_map(fn($c) => $c + ['description' => $descriptions[$c['code']] ?? ''],
                    $level['criteria']),
            ];
        }
        $missing = array_map(fn($code) => ['code' => $code, 'description' => $descriptions[$code] ?? ''],
            $result['missing']);
        if ($result['next'] === null) {
            $nexttext = get_string('progress:complete', 'local_zohosync');
        } else {
            $nexttext = get_string('progress:next', 'local_zohosync', (object) [
                'grade' => $this->letter_name($result['next']), 'codes' => implode(', ', $result['missing'])]);
        }
        return [
            'unitname' => (string) $unit->name,
            'unitcode' => (string) $unit->unitcode,
            'levels' => $levels,
            'summary' => implode(' ', $summary),
            'nexttext' => $nexttext,
            'missing' => $missing,
            'hasmissing' => !empty($missing),
        ];
    }

    /**
     * An amount for display.
     *
     * @param int $cents The amount in cents.
     * @param string $currency The currency code, may be ''.
     * @return string
     */
    protected function amount(int $cents, string $currency): string {
        return trim(money::display($cents) . ' ' . $currency);
    }
}
