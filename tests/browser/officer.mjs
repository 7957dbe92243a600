// A commune officer's console in a real browser (issue 22), at 1280 and
// 360 px: every page walked in both languages, failing on a word of the
// other language or an internal name; what waits for her on the
// dashboard, ahead of the modem; the reply box's live count and "bỏ
// dấu"; placing a household whose commune is not known; the job form
// taking "5.000.000" and "31/12/2030"; a broadcast's cost and finish.
// Run by test_console.py with the Tân Lập officer's login; prints
// PASS/FAIL lines and screenshots to WEB_SHOTS.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { check, finish, launch } from './lib.mjs';

const BASE = process.env.WEB_URL;
const SHOTS = process.env.WEB_SHOTS;
const UNKNOWN = process.env.WEB_UNKNOWN; // a household whose commune is not known, without '+'
const SICK = process.env.WEB_SICK_MSG;   // the inbox id of the sick child's message
const UT6 = process.env.WEB_UT6_MSG;

// Words that must not reach the Vietnamese console: statuses and labels
// in English, and internal names (field, intent and setting names, raw
// actors, encodings, ISO dates).
const EN_WORDS = /\b(sent|handled|queued|sending|failed|cancelled|skipped|pending|ready|closed|open|new|contacted|hired|rejected|withdrawn|requested|confirmed|declined|done|reply|notify|broadcast|warning|Inbox|Dashboard|Search|Filter|Save|Send|Submit|Status|Error|error|record|must be|None|Modem status)\b/;
const INTERNAL = /([a-z]+_[a-z_]+|gatewayctl|web:\+|cli:|UCS-2|GSM-7|gsm7|ucs2|YYYY|\d{4}-\d{2}-\d{2})/;
const VI_CHARS = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i;

// The console's own words on a page: headings, labels, buttons, hints,
// links of the frame, tags, placeholders; and (for Vietnamese) all the
// text outside what households and officers wrote.
async function chromeText(page, lang) {
  return page.evaluate((lang) => {
    // an English page's title may be a Vietnamese offer or program name
    const sel = (lang === 'vi' ? 'h1, ' : '') + 'h2, th, label, button, nav a, .hint, .tag, .notice, .muted, .meta, .count, legend';
    const parts = [];
    document.querySelectorAll(sel).forEach((el) => {
      const c = el.cloneNode(true);
      // what people wrote is theirs: messages, names, titles
      c.querySelectorAll('.sms, option, b, a[href^="/jobs/"], a[href^="/programs/"], a[href^="/contacts/"]').forEach((x) => x.remove());
      parts.push(c.textContent);
    });
    if (lang === 'vi') {
      // a Vietnamese page: everything but what households wrote and got
      const c = document.body.cloneNode(true);
      c.querySelectorAll('.sms, textarea, option').forEach((x) => x.remove());
      parts.push(c.innerText || c.textContent);
    }
    document.querySelectorAll('[placeholder], [aria-label], [data-h]').forEach((el) => {
      parts.push(el.getAttribute('placeholder') || '', el.getAttribute('aria-label') || '', el.getAttribute('data-h') || '');
    });
    return parts.join(' | ');
  }, lang);
}

async function walk(page, paths, lang, width) {
  const bad = [];
  for (const p of paths) {
    const resp = await page.goto(BASE + p);
    if (!resp || resp.status() !== 200) { bad.push(p + ': HTTP ' + (resp && resp.status())); continue; }
    const text = await chromeText(page, lang);
    if (lang === 'vi') {
      const m = text.match(EN_WORDS) || text.match(INTERNAL);
      if (m) bad.push(p + ': "' + m[0] + '" in …' + text.slice(Math.max(0, m.index - 60), m.index + 40) + '…');
    } else {
      const m = text.match(VI_CHARS) || text.match(INTERNAL);
      if (m) bad.push(p + ': "' + m[0] + '" in …' + text.slice(Math.max(0, m.index - 60), m.index + 40) + '…');
    }
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > width) bad.push(p + ': ' + wide + ' px wide');
  }
  return bad;
}

const browser = await launch();
const problems = [];
try {
  const page = browser.page;
  let refusing = false; // a refused form answers 400 on purpose
  page.on('console', (m) => {
    if (m.type() === 'error' && !(refusing && m.text().includes('status of 400'))) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('response', (r) => {
    if (r.status() >= 400 && !(refusing && r.status() === 400)) problems.push(r.status() + ' ' + r.url());
  });
  mkdirSync(SHOTS, { recursive: true });

  await page.goto(BASE + '/login');
  await page.fill('#phone', process.env.WEB_PHONE);
  await page.fill('#password', process.env.WEB_PASSWORD);
  await Promise.all([page.waitForURL(BASE + '/'), page.click('form.login button[type=submit]')]);
  check('the officer logs in', (await page.textContent('h1')) === 'Tổng quan');

  const paths = ['/', '/inbox', '/inbox?wait=1', '/inbox?unknown=1', '/inbox/' + SICK, '/inbox/' + UT6,
    '/contacts', '/contacts/' + UNKNOWN, '/jobs', '/jobs/6', '/jobs/new', '/jobs/6/broadcast', '/broadcasts',
    '/appointments', '/calendar', '/programs', '/programs/BHYT', '/programs/BHYT/history'];

  for (const width of [1280, 360]) {
    const w = ' at ' + width + ' px';
    await page.setViewportSize({ width, height: width > 400 ? 900 : 740 });
    await page.goto(BASE + '/lang?to=vi&next=/');
    let bad = await walk(page, paths, 'vi', width);
    check('every page in plain Vietnamese, nothing wider than the screen' + w, bad.length === 0, bad.join('\n   '));
    await page.goto(BASE + '/lang?to=en&next=/');
    bad = await walk(page, paths, 'en', width);
    check('every page in English, no Vietnamese chrome' + w, bad.length === 0, bad.join('\n   '));
    await page.goto(BASE + '/lang?to=vi&next=/');

    // the dashboard: her work first
    const waitBox = await page.locator('#waiting').boundingBox();
    const modemBox = await page.locator('#modem').boundingBox();
    check('dashboard: what waits for her comes before the modem' + w, waitBox && modemBox && waitBox.y < modemBox.y
      && (width > 400 || waitBox.y < 740), JSON.stringify([waitBox, modemBox]));
    check('dashboard counts the households not placed and the messages that wait' + w,
      Number(await page.textContent('#w-unknown')) >= 1 && Number(await page.textContent('#w-messages')) >= 1);
    await page.screenshot({ path: join(SHOTS, width > 400 ? 'officer-dashboard.png' : 'officer-dashboard-360.png'),
      fullPage: width > 400 });

    // the inbox: the household's answer in view, not the officer's alert
    await page.goto(BASE + '/inbox?q=UT+6');
    const row = page.locator('#inbox tr', { has: page.locator('a[href="/inbox/' + UT6 + '"]') });
    const answer = row.locator('td.answer');
    const ab = await answer.boundingBox();
    check('inbox: the UT row shows the household\'s answer, within the screen' + w,
      (await answer.textContent()).includes('Da ghi nhan') && ab && ab.x + ab.width <= width + 1,
      JSON.stringify(ab));
    await page.screenshot({ path: join(SHOTS, width > 400 ? 'inbox.png' : 'inbox-360.png'), fullPage: false });

    // the reply box: live count, "bỏ dấu", the count right under the box
    await page.goto(BASE + '/inbox/' + SICK);
    const text = 'Chào chị, chị mang sổ hộ khẩu và giấy khám bệnh lên UBND xã sáng thứ Hai để làm hồ sơ nhé.';
    await page.fill('#answer', text);
    await page.waitForFunction(() => /\b2<\/b> SMS/.test(document.querySelector('#answer-count').innerHTML));
    check('reply box: characters, SMS and encoding counted as she types' + w,
      (await page.textContent('#answer-count')).includes(String([...text].length) + ' ký tự') &&
      (await page.textContent('#answer-count')).includes('có dấu'));
    const ta = await page.locator('#answer').boundingBox();
    const cnt = await page.locator('#answer-count').boundingBox();
    check('the count sits right under the reply box' + w, ta && cnt && cnt.y >= ta.y + ta.height - 1 &&
      cnt.y - (ta.y + ta.height) < 60, JSON.stringify([ta, cnt]));
    await page.screenshot({ path: join(SHOTS, width > 400 ? 'reply.png' : 'reply-360.png'), fullPage: false });
    await page.click('#fold-btn');
    await page.waitForFunction(() => /\b1<\/b> SMS/.test(document.querySelector('#answer-count').innerHTML));
    check('"Bỏ dấu" in one click: unaccented, 1 SMS' + w,
      (await page.inputValue('#answer')).startsWith('Chao chi, chi mang'));
  }

  // place a household whose commune is not known: the suggestion, one click
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(BASE + '/inbox?unknown=1');
  const li = page.locator('#unknown li', { has: page.locator('a[href="/contacts/' + UNKNOWN + '"]') });
  check('"chưa rõ xã": the commune its message names is chosen', await li.locator('select').inputValue() === 'Tân Lập');
  await Promise.all([page.waitForURL(/ok=placed/), li.locator('button').click()]);
  check('the household is placed', (await page.textContent('.notice.ok')).includes('Đã đặt xã'));

  // the job form as people type it
  await page.goto(BASE + '/jobs/new');
  await page.fill('#j-title', 'Phụ bếp nhà hàng');
  await page.fill('#j-commune', 'Tân Lập');
  await page.fill('#j-wage_min', '5.000.000');
  await page.fill('#j-wage_max', '6 triệu');
  await page.fill('#j-deadline', '31/12/2030');
  await Promise.all([page.waitForURL(/ok=posted/), page.click('#save-job')]);
  check('the job form takes "5.000.000", "6 triệu" and "31/12/2030"', page.url().includes('ok=posted'), page.url());
  await page.fill('#j-wage_min', '9tr');
  refusing = true;
  await Promise.all([page.waitForLoadState(), page.click('#save-job')]);
  check('a wage range upside down is refused in plain words',
    (await page.textContent('.notice.err')).includes('Lương cao nhất phải'));
  refusing = false;

  // a broadcast: recipients, cost, finish; no "Gửi" for nobody
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: width > 400 ? 900 : 740 });
    await page.goto(BASE + '/jobs/6/broadcast');
    check('broadcast preview: recipients, SMS, cost in đồng, finish at ' + width + ' px',
      /\d+ đồng/.test(await page.textContent('#bc-cost')) &&
      (await page.locator('#bc-finish').count()) === 1 && (await page.locator('#bc-send').count()) === 1);
    await page.screenshot({ path: join(SHOTS, width > 400 ? 'broadcast.png' : 'broadcast-360.png'), fullPage: true });
    await page.goto(BASE + '/jobs/6/broadcast?type=xkld&area=tan+lap');
    if (await page.textContent('#bc-recipients') === '0')
      check('no "Gửi" with 0 recipients at ' + width + ' px', (await page.locator('#bc-send').count()) === 0);
  }
  check('no script errors or policy violations', problems.length === 0, problems.join(' | '));
} catch (e) {
  check('officer scenario', false, e && e.stack ? e.stack : String(e));
} finally {
  await browser.close();
}
finish();
