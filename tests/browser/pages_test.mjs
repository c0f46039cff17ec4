// bannerd's pages in a real browser (headless Chromium through puppeteer-core):
// what a person sees, not what a test client parses. run.sh installs the tools
// and passes the paths; this script builds the indexes with bannerc, starts
// bannerd (quarter pinned to 1) and checks, for the sample data (SVG
// placeholders) and, when it is there, the public dataset (its images):
//  - the home page's form navigates to the campaign page;
//  - the banner image has loaded (naturalWidth > 0), PNG or SVG as expected;
//  - ten reloads in one browser never show the same banner twice in a row, with
//    the browser's own cookie handling (and the browser keeps the cookie);
//  - the explain page lists exactly the banners of `bannerc inspect --json` for
//    the campaign, in order, in each quarter; its fill markers and "seen last"
//    row agree with the index and the cookie; its JSON is inspect's;
//  - a 404 and a 400 render as pages;
//  - at 375 px and 1280 px no page scrolls sideways; every image has alt text,
//    every form control a label, every text a 4.5:1 contrast (WCAG AA);
//    screenshots are kept in --out (CI artifacts).
// Prints one line per check and "N passed, M failed"; exits 1 on any failure.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const opts = {};
for (let i = 2; i < process.argv.length; i += 2) opts[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const k of ['bannerc', 'bannerd', 'chromium', 'puppeteer', 'sample', 'out']) {
  if (!opts[k]) throw new Error(`pages_test.mjs: --${k} is required`);
}
const puppeteer = createRequire(path.join(opts.puppeteer, 'package.json'))('puppeteer-core');

let passed = 0, failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed++;
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`not ok - ${name}${detail ? `: ${detail}` : ''}`);
  }
  return ok;
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

const scratch = mkdtempSync(path.join(tmpdir(), 'browser-test-'));
const children = [];
function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  rmSync(scratch, { recursive: true, force: true });
}
// Bounded whatever happens: a hung browser or server fails the test.
const deadline = setTimeout(() => {
  console.log('not ok - finished within 240 s');
  cleanup();
  process.exit(1);
}, 240_000);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

// Starts bannerd on a free port; resolves with the port from its start event.
function startServer(index, images) {
  const args = ['--index', index, '--listen', '127.0.0.1:0', '--quarter', '1', '--threads', '1'];
  if (images) args.push('--images', images);
  const child = spawn(opts.bannerd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr.on('data', (d) => {
      log += d;
      const m = /event=start .*port=(\d+)/.exec(log);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`bannerd exited ${code}: ${log}`)));
  });
}

// The dataset's index and what `bannerc inspect --json` says of it.
function buildIndex(name, csv) {
  const index = path.join(scratch, `${name}.idx`);
  run(opts.bannerc, ['build', csv, '-o', index, '-q']);
  return { index, inspect: JSON.parse(run(opts.bannerc, ['inspect', '--json', index])) };
}

const listOf = (inspect, quarter, campaign) =>
  inspect.lists.find((l) => l.quarter === quarter && l.campaign_id === campaign);

// In the page: the accessibility checks every page must pass.
function auditPage() {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.a > 0) layers.push(c);
      if (c.a === 1) break;
    }
    return layers.reduceRight((acc, c) => over(c, acc), { r: 255, g: 255, b: 255, a: 1 });
  };
  const luminance = ({ r, g, b }) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const problems = [];
  for (const el of document.querySelectorAll('body *')) {
    const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join('');
    if (!text || el.getClientRects().length === 0) continue;
    const bg = background(el);
    const fg = over(parse(getComputedStyle(el).color), bg);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
    const ratio = (hi + 0.05) / (lo + 0.05);
    if (ratio < 4.5) problems.push(`contrast ${ratio.toFixed(2)} for "${text.slice(0, 30)}"`);
  }
  for (const img of document.images) if (!img.alt.trim()) problems.push(`img ${img.src} without alt`);
  for (const c of document.querySelectorAll('input, select, textarea, button')) {
    const named = c.labels?.length > 0 || c.getAttribute('aria-label') || (c.tagName === 'BUTTON' && c.textContent.trim());
    if (!named) problems.push(`<${c.tagName.toLowerCase()} name=${c.name}> without a label`);
  }
  return problems;
}

const allImagesLoaded = () =>
  [...document.images].every((i) => i.complete && i.naturalWidth > 0);

async function checkDataset(browser, name, data, base, wantImageType) {
  const { inspect } = data;
  const q1 = inspect.lists.filter((l) => l.quarter === 1);
  // A campaign whose list has several banners: converted ones and a random fill if there is one.
  const hasFill = (l) => l.banners.some((b, i) => i >= l.x && b.clicks === 0);
  const campaign = (q1.find((l) => l.banners.length >= 3 && l.x > 0 && hasFill(l)) ??
                    q1.find((l) => l.banners.length >= 3 && hasFill(l)) ??
                    q1.find((l) => l.banners.length >= 3)).campaign_id;
  const list = listOf(inspect, 1, campaign);
  const page = await browser.newPage();
  const imageTypes = new Set();
  page.on('response', (r) => {
    if (new URL(r.url()).pathname.startsWith('/images/')) imageTypes.add(r.headers()['content-type']);
  });

  // The form on the home page.
  await page.goto(`${base}/`);
  await page.type('input[name=id]', String(campaign));
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  check(`${name}: the home page form navigates to /campaigns/${campaign}`,
        new URL(page.url()).pathname === `/campaigns/${campaign}` &&
          (await page.$eval('h1', (h) => h.textContent)) === `Campaign ${campaign}`, page.url());

  // The banner image, loaded.
  await page.waitForFunction(() => document.querySelector('main img')?.complete);
  const width = await page.$eval('main img', (i) => i.naturalWidth);
  check(`${name}: the banner image has loaded (naturalWidth ${width}) as ${wantImageType}`,
        width > 0 && same([...imageTypes], [wantImageType]), [...imageTypes].join(' '));

  // Ten reloads: the browser's own cookie keeps the last banner out.
  const shown = async () => Number(/\/images\/(\d+)$/.exec(await page.$eval('main img', (i) => i.src))[1]);
  const seen = [await shown()];
  for (let i = 0; i < 10; i++) {
    await page.reload();
    seen.push(await shown());
  }
  const onList = seen.every((b) => list.banners.some((x) => x.banner_id === b));
  const repeats = seen.filter((b, i) => i > 0 && b === seen[i - 1]).length;
  check(`${name}: ten reloads never show the same banner twice in a row (${seen.join(' ')})`, onList && repeats === 0);
  const cookie = (await page.cookies()).find((c) => c.name === 'banners');
  check(`${name}: the browser keeps the banners cookie`, cookie !== undefined && cookie.httpOnly);
  const last = seen[seen.length - 1];

  // The explain page: inspect's lists, quarter by quarter, in order.
  for (let q = 1; q <= 4; q++) {
    const url = q === 1 ? `${base}/campaigns/${campaign}/why` : `${base}/campaigns/${campaign}/why?quarter=${q}`;
    const response = await page.goto(url);
    await page.waitForFunction(allImagesLoaded);
    const rows = await page.$$eval('table.ranked tbody tr', (trs) => trs.map((tr) => ({
      id: Number(tr.querySelector('.banner-id').textContent),
      fill: tr.querySelector('.fill') !== null,
      last: tr.classList.contains('last'),
    })));
    const want = listOf(inspect, q, campaign);
    const current = await page.$eval('.tabs [aria-current=page]', (a) => a.textContent);
    if (!want) {
      check(`${name}: the explain page of quarter ${q} says there is no list`,
            response.status() === 200 && rows.length === 0 && (await page.$('.none')) !== null);
      continue;
    }
    check(`${name}: the explain page of quarter ${q} lists inspect's banners in order`,
          response.status() === 200 && same(rows.map((r) => r.id), want.banners.map((b) => b.banner_id)) &&
            current.startsWith(`Quarter ${q}`),
          `${rows.map((r) => r.id)} vs ${want.banners.map((b) => b.banner_id)}`);
    const fills = want.banners.map((b, i) => i >= want.x && b.clicks === 0);
    check(`${name}: quarter ${q}'s random fill markers are the banners without clicks past X`,
          same(rows.map((r) => r.fill), fills));
    check(`${name}: quarter ${q} marks the banner the cookie remembers as seen last`,
          same(rows.filter((r) => r.last).map((r) => r.id), rows.some((r) => r.id === last) ? [last] : []));
  }
  check(`${name}: the explain page's thumbnails have loaded`, await page.evaluate(allImagesLoaded));
  await page.goto(`${base}/campaigns/${campaign}/why`);
  await Promise.all([page.waitForNavigation(), page.click('.tabs a[href$="quarter=3"]')]);
  check(`${name}: a quarter tab opens that quarter`,
        (await page.$eval('.tabs [aria-current=page]', (a) => a.textContent)).startsWith('Quarter 3'));
  const api = await (await fetch(`${base}/api/campaigns/${campaign}/why`)).json();
  const single = JSON.parse(run(opts.bannerc, ['inspect', '--json', '--campaign', String(campaign), data.index]));
  check(`${name}: /api/campaigns/${campaign}/why is bannerc inspect --json --campaign plus current_quarter`,
        same(api, { ...single, current_quarter: 1 }));

  // Errors are pages.
  for (const [target, status, title] of [
    ['/campaigns/999999999', 404, '404 Not Found'],
    ['/campaigns/abc', 400, '400 Bad Request'],
    ['/campaigns/999999999/why', 404, '404 Not Found'],
    [`/campaigns/${campaign}/why?quarter=5`, 400, '400 Bad Request'],
  ]) {
    const r = await page.goto(`${base}${target}`);
    const h1 = await page.$eval('h1', (h) => h.textContent).catch(() => '');
    const back = await page.$('a[href="/"]');
    check(`${name}: ${target} renders as a ${status} page`,
          r.status() === status && r.headers()['content-type'].startsWith('text/html') && h1 === title && back !== null,
          `${r.status()} "${h1}"`);
  }

  // Layout and accessibility at both widths, with screenshots.
  const pages = [['home', '/'], ['campaign', `/campaigns/${campaign}`], ['why', `/campaigns/${campaign}/why`],
                 ['not-found', '/campaigns/999999999'], ['bad-request', '/campaigns/abc']];
  for (const width of [375, 1280]) {
    await page.setViewport({ width, height: 900 });
    for (const [label, target] of pages) {
      await page.goto(`${base}${target}`);
      await page.waitForFunction(allImagesLoaded);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(`${name}: ${label} at ${width} px has no horizontal overflow`, overflow <= 0, `${overflow} px too wide`);
      const problems = await page.evaluate(auditPage);
      check(`${name}: ${label} at ${width} px: alt text, labels, contrast`, problems.length === 0,
            problems.slice(0, 5).join('; '));
      await page.screenshot({ path: path.join(opts.out, `${name}-${label}-${width}.png`), fullPage: true });
    }
  }
  await page.close();
  return campaign;
}

let browser;
try {
  mkdirSync(opts.out, { recursive: true });
  browser = await puppeteer.launch({
    executablePath: opts.chromium,
    headless: false,  // the flags below say --headless themselves
    userDataDir: path.join(scratch, 'profile'),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

  const sample = buildIndex('sample', opts.sample);
  const sampleBase = `http://127.0.0.1:${await startServer(sample.index, null)}`;
  const campaign = await checkDataset(browser, 'sample', sample, sampleBase, 'image/svg+xml');

  if (opts.dataset && existsSync(path.join(opts.dataset, 'csv'))) {
    const dataset = buildIndex('dataset', path.join(opts.dataset, 'csv'));
    const base = `http://127.0.0.1:${await startServer(dataset.index, path.join(opts.dataset, 'images'))}`;
    await checkDataset(browser, 'dataset', dataset, base, 'image/png');
  } else {
    console.log('SKIPPED: the public dataset half (../shared/datasets/datachef is absent)');
  }

  // The README's picture of the explain page, after a visit, so that it shows a "seen last".
  if (opts.docs) {
    const page = await browser.newPage();
    await page.setViewport({ width: 820, height: 900 });
    await page.goto(`${sampleBase}/campaigns/${campaign}`);
    await page.goto(`${sampleBase}/campaigns/${campaign}/why`);
    await page.waitForFunction(allImagesLoaded);
    const bottom = await page.$eval('#fill', (p) => p.getBoundingClientRect().bottom + window.scrollY);
    await page.screenshot({ path: opts.docs, clip: { x: 0, y: 0, width: 820, height: Math.ceil(bottom) + 16 } });
    console.log(`wrote ${opts.docs}`);
  }
} catch (e) {
  check('the test ran to the end', false, e.stack);
} finally {
  await browser?.close();
  clearTimeout(deadline);
  cleanup();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
