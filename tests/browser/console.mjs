// The web console end to end in a real browser: Debian's Chromium, headless,
// driven by playwright-core. Run by test_console.py, which starts gatewayd
// with the console and seeded data and passes the address in the
// environment. Prints PASS/FAIL lines like the other tests; exits non-zero
// on any failure.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { check, finish, launch } from './lib.mjs';

const BASE = process.env.WEB_URL;
const PHONE = process.env.WEB_PHONE;
const PASSWORD = process.env.WEB_PASSWORD;
const DAY = process.env.WEB_DAY;
const SHOTS = process.env.WEB_SHOTS;

const browser = await launch();
const problems = [];
try {
  const page = browser.page;
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  mkdirSync(SHOTS, { recursive: true });

  // log in
  await page.goto(BASE + '/');
  check('not logged in: the login page', page.url().includes('/login'), page.url());
  await page.fill('#phone', PHONE);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(BASE + '/'), page.click('form.login button[type=submit]')]);
  check('logged in: the dashboard', (await page.textContent('h1')) === 'Tổng quan');
  check('dashboard chart drawn by the server', await page.locator('#chart svg rect').count() > 10);
  check('dashboard lists today\'s figures and top programs',
    await page.locator('#top-programs li').count() > 1 && await page.locator('#modem .tag.ok').count() === 1);
  await page.screenshot({ path: join(SHOTS, 'dashboard.png'), fullPage: true });

  // a phone-sized screen: nothing wider than the screen
  await page.setViewportSize({ width: 360, height: 740 });
  await page.reload();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  check('usable at 360 px: no horizontal scrolling', wide <= 360, wide);
  await page.screenshot({ path: join(SHOTS, 'dashboard-360.png'), fullPage: false });
  await page.setViewportSize({ width: 1280, height: 900 });

  // edit a program and watch the preview follow
  await page.goto(BASE + '/programs?q=BHYT');
  await Promise.all([page.waitForURL(/\/programs\/BHYT$/), page.click('#programs a[href="/programs/BHYT"]')]);
  const before = await page.textContent('#preview-accented .total');
  const text = 'Hộ nghèo được Nhà nước đóng 100% tiền thẻ bảo hiểm y tế. Xã lập danh sách, BHXH cấp thẻ. ' +
    'Khi đi khám mang thẻ và căn cước. Mất thẻ hoặc sai tên: báo UBND xã để làm lại, không mất tiền. ' +
    'Trẻ em dưới 6 tuổi cũng được cấp thẻ miễn phí.';
  await page.fill('#f-summary_vi', text);
  await page.waitForFunction(() => document.querySelector('#preview').textContent.includes('dưới 6 tuổi'));
  const after = await page.textContent('#preview-accented .total');
  check('preview follows the edit (live, without saving)', after !== before, before + ' -> ' + after);
  check('preview shows the unaccented reply too',
    (await page.textContent('#preview-plain')).includes('duoi 6 tuoi'));
  check('preview shows the encoding in plain words', (await page.textContent('#preview-accented')).includes('có dấu') &&
    (await page.textContent('#preview-plain')).includes('không dấu'));
  await page.screenshot({ path: join(SHOTS, 'program-editor.png'), fullPage: false });
  await Promise.all([page.waitForURL(/ok=saved/), page.click('#save')]);
  check('program saved', (await page.textContent('.notice.ok')).length > 0);
  await page.goto(BASE + '/programs/BHYT/history');
  check('history shows the change', await page.locator('#diff ins').count() > 0);

  // confirm an appointment
  await page.goto(BASE + '/appointments?day=' + DAY);
  const first = page.locator('#slots button.confirm').first();
  check('appointments of the day by slot', await page.locator('#slots tbody tr').count() > 4);
  await Promise.all([page.waitForURL(/ok=confirmed/), first.click()]);
  check('appointment confirmed', await page.locator('#slots .tag.ok').count() >= 1);

  // English, then log out
  await page.click('a.lang');
  check('English switch', (await page.textContent('h1')) === 'Appointments');
  await Promise.all([page.waitForURL(/\/login/), page.click('#logout')]);
  await page.goto(BASE + '/');
  check('logged out: back to the login page', page.url().includes('/login'), page.url());
  check('no script errors or policy violations', problems.length === 0, problems.join(' | '));
} catch (e) {
  check('browser scenario', false, e && e.stack ? e.stack : String(e));
} finally {
  await browser.close();
}
finish();
