// `npm run check:dashboard`: the plugin's student dashboard as people see it on a REAL Moodle,
// in headless Chromium (puppeteer-core, Debian's /usr/bin/chromium), logged in through Moodle's
// login form. Not part of `npm test` (CI has no Moodle).
//
// It photographs, at 1280 px and 390 px: a student with full data, a student without data, a
// student whose registration has no installments, staff viewing the first student, and the
// first student trying another student's id (and an id that does not exist). It prints the
// contrast ratio of every badge and criterion tile from their computed colours, and checks: no
// horizontal overflow at 390 px, one page header and no "Message" button to oneself, table
// captions hidden (screen readers only), bold totals, grade words beside letters, the entry in
// the primary navigation and the user menu for students only, and the same answer for another
// student's id and an id that does not exist.
//
// The users and data: tests/realMoodle/dashboardFixtures.php makes them on a test Moodle.
//   MOODLE_URL                  e.g. http://127.0.0.1:8045
//   DASHBOARD_PASSWORD          password of every user below, unless DASHBOARD_<WHO>_PASSWORD is set
//   DASHBOARD_FULL_USER         student with data (default zs_full)
//   DASHBOARD_EMPTY_USER        student without data (default zs_empty)
//   DASHBOARD_UNSCHEDULED_USER  student whose registration has no installments (default zs_unscheduled)
//   DASHBOARD_OTHER_USER        another student with data (default zs_other)
//   DASHBOARD_STAFF_USER        staff with local/zohosync:viewanydashboard (default zs_staff)
//   DASHBOARD_SHOTS             where the screenshots go (default dashboard-shots in the OS temp folder)
//   CHROMIUM_PATH               default /usr/bin/chromium
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

const MOODLE_URL = (process.env.MOODLE_URL ?? '').replace(/\/$/, '');
if (!/^https?:\/\//.test(MOODLE_URL)) {
  console.error('check:dashboard: MOODLE_URL must be the site address, e.g. http://127.0.0.1:8045');
  process.exit(2);
}
const SHOTS = process.env.DASHBOARD_SHOTS ?? join(tmpdir(), 'dashboard-shots');
const WIDTHS = [1280, 390] as const;
const DASHBOARD = '/local/zohosync/dashboard.php';
const MISSING_USERID = 2147480000;

type Who = 'FULL' | 'EMPTY' | 'UNSCHEDULED' | 'OTHER' | 'STAFF';
const DEFAULT_USERS: Record<Who, string> = {
  FULL: 'zs_full',
  EMPTY: 'zs_empty',
  UNSCHEDULED: 'zs_unscheduled',
  OTHER: 'zs_other',
  STAFF: 'zs_staff',
};

function credentials(who: Who): { username: string; password: string } {
  const username = process.env[`DASHBOARD_${who}_USER`] ?? DEFAULT_USERS[who];
  const password = process.env[`DASHBOARD_${who}_PASSWORD`] ?? process.env.DASHBOARD_PASSWORD;
  if (!password) {
    console.error(`check:dashboard: set DASHBOARD_PASSWORD (or DASHBOARD_${who}_PASSWORD) for ${username}`);
    process.exit(2);
  }
  return { username, password };
}

const results: { what: string; ok: boolean; detail: string }[] = [];
function check(what: string, ok: boolean, detail = ''): void {
  results.push({ what, ok, detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` — ${detail}` : ''}`);
}

// Browser-side code is kept as source text: the project's tsconfig has no DOM library.

/** Every badge and criterion tile of the dashboard: text, classes, colours and WCAG contrast ratio. */
const CONTRAST_SOURCE = `(() => {
  const parse = (c) => { const m = c.match(/[\\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
  const lin = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = (c) => 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
  const over = (top, bottom) => ({ r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a), a: 1 });
  // The background actually behind an element: its own and its ancestors' colours, composed.
  const background = (el) => {
    const layers = [];
    for (let n = el; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c.a > 0) layers.push(c);
      if (c.a >= 1) break;
    }
    return layers.reverse().reduce((acc, c) => over(c, acc), { r: 255, g: 255, b: 255, a: 1 });
  };
  const hex = (c) => '#' + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  return [...document.querySelectorAll('.local-zohosync-dashboard .badge, .local-zohosync-dashboard .local-zohosync-crit')]
    .filter((el) => el.getClientRects().length > 0)
    .map((el) => {
      const style = getComputedStyle(el);
      const bg = background(el);
      const fg = over(parse(style.color), bg);
      const l1 = lum(fg), l2 = lum(bg);
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      return { text: el.innerText.trim().replace(/\\s+/g, ' '), classes: el.className, fg: hex(fg), bg: hex(bg),
        ratio: Math.round(ratio * 100) / 100, fontsize: style.fontSize, weight: style.fontWeight };
    });
})()`;

/** Horizontal overflow: the page, and elements of the dashboard beyond the viewport or scrolling sideways. */
const OVERFLOW_SOURCE = `(() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.querySelectorAll('.local-zohosync-dashboard, .local-zohosync-dashboard *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const style = getComputedStyle(el);
    const clipped = style.position === 'absolute' && r.width <= 1;
    if (clipped) continue;
    const describe = el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    if (r.right > width + 0.5 || r.left < -0.5) wide.push(describe + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
    if (['auto', 'scroll', 'hidden'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      wide.push(describe + ' scrolls sideways ' + el.scrollWidth + ' > ' + el.clientWidth);
    }
  }
  return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wide };
})()`;

/** What the page shows: headers, captions, bold totals, letters with words, navigation entries, errors. */
const PAGE_SOURCE = `(() => {
  const dash = document.querySelector('.local-zohosync-dashboard');
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const captions = [...document.querySelectorAll('.local-zohosync-dashboard caption')].map((c) => {
    const r = c.getBoundingClientRect();
    return { text: c.textContent.trim(), height: r.height, width: r.width };
  });
  const totals = [...document.querySelectorAll('.local-zohosync-dashboard .row.text-center .font-weight-bold')]
    .map((el) => ({ text: el.textContent.trim(), weight: Number(getComputedStyle(el).fontWeight) }));
  const letters = [...document.querySelectorAll('.local-zohosync-dashboard .local-zohosync-letter')].map((el) => ({
    letter: el.textContent.trim(), word: (el.nextElementSibling ? el.nextElementSibling.textContent.trim() : ''),
    fontsize: getComputedStyle(el).fontSize }));
  const links = (sel) => [...document.querySelectorAll(sel)].map((a) => a.getAttribute('href') || '');
  return {
    hasdashboard: !!dash,
    h1: [...document.querySelectorAll('h1')].filter(visible).map((h) => h.textContent.trim()),
    headerpictures: document.querySelectorAll('#page-header .userpicture, .page-context-header .userpicture').length,
    dashboardpictures: dash ? dash.querySelectorAll('.userpicture, img').length : 0,
    messagebuttons: [...document.querySelectorAll('#page-header a[href*="/message/index.php"], .page-context-header a[href*="/message/index.php"]')].filter(visible).map((a) => a.getAttribute('href')),
    captions, totals, letters,
    primarynav: links('.primary-navigation a, nav.moremenu a, #theme_boost-drawers-primary a').filter((h) => h.includes('/local/zohosync/dashboard.php')).length,
    usermenu: links('#user-action-menu a, .usermenu a').filter((h) => h.includes('/local/zohosync/dashboard.php')).length,
    unitprogress: document.querySelectorAll('.local-zohosync-unitprogress').length,
    error: (document.querySelector('.errorbox, .alert-danger, [data-rel="fatalerror"], .box.errorbox') || { textContent: '' }).textContent.trim().replace(/\\s+/g, ' '),
    text: document.body.innerText,
  };
})()`;

interface Badge {
  text: string;
  classes: string;
  fg: string;
  bg: string;
  ratio: number;
  fontsize: string;
  weight: string;
}
interface Overflow {
  scrollWidth: number;
  innerWidth: number;
  wide: string[];
}
interface PageFacts {
  hasdashboard: boolean;
  h1: string[];
  headerpictures: number;
  dashboardpictures: number;
  messagebuttons: string[];
  captions: { text: string; height: number; width: number }[];
  totals: { text: string; weight: number }[];
  letters: { letter: string; word: string; fontsize: string }[];
  primarynav: number;
  usermenu: number;
  unitprogress: number;
  error: string;
  text: string;
}

async function login(browser: Browser, who: Who): Promise<Page> {
  const { username, password } = credentials(who);
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  // Twice at most, in case the login page answers with itself once.
  for (let attempt = 1; ; attempt++) {
    await page.goto(`${MOODLE_URL}/login/index.php`, { waitUntil: 'networkidle2' });
    // Set, not typed: typed keys were once lost to the login page's own focus handling.
    await page.evaluate(`document.querySelector('#username').value = ${JSON.stringify(username)};
      document.querySelector('#password').value = ${JSON.stringify(password)};`);
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle2' }), page.click('#loginbtn')]);
    if (!page.url().includes('/login/index.php')) return page;
    const why = await page.evaluate(
      `(document.querySelector('.alert, .loginerrors') || { textContent: '' }).textContent.trim()`,
    );
    if (attempt === 2) throw new Error(`login of ${username} failed (still on the login page): ${String(why)}`);
    console.log(`     login of ${username} answered the login page (${String(why)}); trying once more`);
  }
}

/** A user's own id, from the "Edit profile" link of their profile page. */
async function ownUserId(page: Page): Promise<number> {
  await page.goto(`${MOODLE_URL}/user/profile.php`, { waitUntil: 'networkidle2' });
  const href = (await page.evaluate(
    `(document.querySelector('a[href*="/user/edit.php?id="]') || {}).href || ''`,
  )) as string;
  const id = Number(new URL(href || 'http://x/?id=0').searchParams.get('id'));
  if (!id) throw new Error('could not find the user id on /user/profile.php');
  return id;
}

async function facts(page: Page): Promise<PageFacts> {
  return (await page.evaluate(PAGE_SOURCE)) as PageFacts;
}

/** At phone width a full page is too tall to look at: each section of the dashboard on its own as well. */
async function shootSections(page: Page, name: string): Promise<void> {
  // Boost's fixed top bar would be drawn over every section that is scrolled to.
  await page.addStyleTag({ content: 'nav.navbar.fixed-top { position: absolute !important; }' });
  const sections = await page.$$('.local-zohosync-dashboard > section');
  for (const [index, section] of sections.entries()) {
    await section.screenshot({ path: join(SHOTS, `${name}-390-section${index + 1}.png`) });
  }
  if (sections.length)
    console.log(`     ${sections.length} section screenshot(s) ${join(SHOTS, `${name}-390-section*.png`)}`);
}

/** Opens a URL at both widths, screenshots it, measures badges and overflow; returns the facts at 1280 px. */
async function shoot(page: Page, name: string, path: string): Promise<PageFacts> {
  let wide: PageFacts | null = null;
  for (const width of WIDTHS) {
    await page.setViewport({ width, height: 900 });
    await page.goto(`${MOODLE_URL}${path}`, { waitUntil: 'networkidle2' });
    // The user menu and primary navigation are in the page at any width; open nothing.
    const file = join(SHOTS, `${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(`     screenshot ${file}`);
    const pageFacts = await facts(page);
    if (width === 1280) wide = pageFacts;
    if (width === 390) await shootSections(page, name);
    if (!pageFacts.hasdashboard) continue;
    const badges = (await page.evaluate(CONTRAST_SOURCE)) as Badge[];
    for (const badge of badges) {
      check(
        `${name} @${width}: contrast of "${badge.text}" (${badge.classes})`,
        badge.ratio >= 4.5,
        `${badge.ratio}:1, ${badge.fg} on ${badge.bg}, ${badge.fontsize} weight ${badge.weight}`,
      );
    }
    if (width === 390) {
      const overflow = (await page.evaluate(OVERFLOW_SOURCE)) as Overflow;
      check(
        `${name} @390: page not wider than the viewport`,
        overflow.scrollWidth <= overflow.innerWidth,
        `scrollWidth ${overflow.scrollWidth}, innerWidth ${overflow.innerWidth}`,
      );
      check(
        `${name} @390: nothing in the dashboard wider than the viewport or scrolling sideways`,
        overflow.wide.length === 0,
        overflow.wide.slice(0, 8).join('; '),
      );
    }
  }
  if (!wide) throw new Error('no facts');
  return wide;
}

/** Checks every dashboard page has: one header, no picture or name of its own, hidden captions, bold totals. */
function checkLayout(name: string, f: PageFacts, own: boolean): void {
  check(`${name}: the dashboard renders`, f.hasdashboard, f.error);
  check(`${name}: one page heading`, f.h1.length === 1, JSON.stringify(f.h1));
  check(
    `${name}: no picture or name inside the dashboard (Moodle's header is the only one)`,
    f.dashboardpictures === 0,
    `${f.dashboardpictures} picture(s)`,
  );
  if (own) {
    check(
      `${name}: no user header picture and no "Message" button to oneself`,
      f.headerpictures === 0 && f.messagebuttons.length === 0,
      `${f.headerpictures} picture(s), ${f.messagebuttons.join(' ')}`,
    );
  }
  check(
    `${name}: table captions for screen readers only`,
    f.captions.every((c) => c.height <= 1 && c.width <= 1),
    f.captions.map((c) => `${c.text} ${c.width}x${c.height}`).join(', '),
  );
  check(
    `${name}: totals in bold`,
    f.totals.every((t) => t.weight >= 700),
    f.totals.map((t) => `${t.text} ${t.weight}`).join(', '),
  );
  check(
    `${name}: every grade letter has its word beside it`,
    f.letters.every((l) => l.word.length > 1 && l.word !== l.letter),
    f.letters.map((l) => `${l.letter} ${l.word} (${l.fontsize})`).join(', '),
  );
}

mkdirSync(SHOTS, { recursive: true });
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
try {
  const other = await login(browser, 'OTHER');
  const otherid = await ownUserId(other);
  await other.browserContext().close();

  const full = await login(browser, 'FULL');
  const fullid = await ownUserId(full);
  const f = await shoot(full, 'student-full', DASHBOARD);
  checkLayout('student-full', f, true);
  check('student-full: entry in the primary navigation', f.primarynav > 0, `${f.primarynav} link(s)`);
  check('student-full: entry in the user menu', f.usermenu > 0, `${f.usermenu} link(s)`);
  check('student-full: unit progress pictures', f.unitprogress > 0, `${f.unitprogress}`);
  check(
    'student-full: total of the installments, paid without the voided payment, balance',
    /4,400\.00 USD[\s\S]*1,500\.00 USD[\s\S]*2,900\.00 USD/.test(f.text),
  );
  check('student-full: draft grade hidden', !f.text.includes('DRAFT - must not be shown'));
  // As printed (print media: no navigation, no print button; the picture keeps its marks).
  await full.setViewport({ width: 1280, height: 900 });
  await full.emulateMediaType('print');
  await full.screenshot({ path: join(SHOTS, 'student-full-print.png'), fullPage: true });
  await full.emulateMediaType('screen');
  console.log(`     screenshot ${join(SHOTS, 'student-full-print.png')} (print media)`);

  const another = await shoot(full, 'student-other-id', `${DASHBOARD}?userid=${otherid}`);
  const missing = await shoot(full, 'student-missing-id', `${DASHBOARD}?userid=${MISSING_USERID}`);
  check("student trying another student's id: refused", !another.hasdashboard, another.error);
  check(
    "student: another's id and a missing id answer the same",
    another.error === missing.error && another.error !== '',
    `"${another.error}" / "${missing.error}"`,
  );
  await full.browserContext().close();

  const empty = await login(browser, 'EMPTY');
  const e = await shoot(empty, 'student-empty', DASHBOARD);
  checkLayout('student-empty', e, true);
  check('student-empty: entry in the primary navigation', e.primarynav > 0, `${e.primarynav} link(s)`);
  await empty.browserContext().close();

  const unscheduled = await login(browser, 'UNSCHEDULED');
  const u = await shoot(unscheduled, 'student-unscheduled', DASHBOARD);
  checkLayout('student-unscheduled', u, true);
  check(
    'student-unscheduled: the price and "no payment schedule yet", no 0.00 totals',
    u.text.includes('2,500.00 USD') && /no payment schedule yet/i.test(u.text) && !/(^|[^\d,])0\.00 USD/.test(u.text),
  );
  await unscheduled.browserContext().close();

  const staff = await login(browser, 'STAFF');
  const s = await shoot(staff, 'staff-viewing-student', `${DASHBOARD}?userid=${fullid}`);
  checkLayout('staff-viewing-student', s, false);
  check(
    'staff: no dashboard entry of their own in the menus',
    s.primarynav === 0 && s.usermenu === 0,
    `${s.primarynav} / ${s.usermenu}`,
  );
  const own = await shoot(staff, 'staff-own', DASHBOARD);
  check('staff: no dashboard of their own', !own.hasdashboard, own.error);
  await staff.browserContext().close();
} finally {
  await browser.close();
}

const failed = results.filter((r) => !r.ok);
console.log(`\n${results.length - failed.length} of ${results.length} checks passed; screenshots in ${SHOTS}`);
process.exit(failed.length ? 1 : 0);
