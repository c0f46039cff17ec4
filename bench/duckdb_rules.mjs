// bench/duckdb_rules.mjs: the business rules of SPEC section 3 in DuckDB SQL, for bench/compile.sh.
//
//   node duckdb_rules.mjs run FILES.tsv OUT.json [THREADS]
//       FILES.tsv: quarter<TAB>kind<TAB>absolute path, one input file a line, in path order
//       (byte-identical duplicate files already left out). Runs the rules, prints one line
//       "DUCKDB seconds=S rows=N" (S: the SQL alone, from submission to the last row fetched)
//       and writes the lists to OUT.json.
//   node duckdb_rules.mjs compare OUT.json INSPECT.json
//       Compares DuckDB's lists with `bannerc inspect INDEX --json`: same campaigns, X, rule and
//       deterministic prefix of each list (banner, clicks, revenue); the random fill only for its
//       length and for being unique banners of the campaign not otherwise listed, without clicks.
//       Exit 1 on any difference.
//
// The module path comes from the environment: DUCKDB_NODE_API (the installed package's folder).
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const [, , mode, ...args] = process.argv;

function sqlString(s) {
  return "'" + s.replaceAll("'", "''") + "'";
}

// Per quarter, one read_csv over the quarter's files of a kind, in path order. With insertion
// order preserved (DuckDB's default), row_number() OVER () numbers rows in file-then-row order,
// which is what "first occurrence" means in SPEC section 2.
function buildSql(files) {
  const byKind = { impressions: new Map(), clicks: new Map(), conversions: new Map() };
  for (const f of files) {
    if (!byKind[f.kind]) throw new Error(`unknown kind ${f.kind}`);
    if (!byKind[f.kind].has(f.quarter)) byKind[f.kind].set(f.quarter, []);
    byKind[f.kind].get(f.quarter).push(f.path);
  }
  const scan = (kind, cols, numbered) => {
    const types = 'types = {' + cols.split(', ').map((c) => `'${c}': '${c === 'revenue' ? 'VARCHAR' : 'BIGINT'}'`).join(', ') + '}';
    // Revenue becomes exact integer micro-units (BIGINT; sums are HUGEINT). DuckDB parses it as
    // text here because its DECIMAL(38,6) parse (needed for 10^12 with six decimals: 19 digits)
    // is about ten times slower on this data; the result is the same.
    const sel = cols.replace('revenue', "CAST(split_part(revenue, '.', 1) AS BIGINT) * 1000000 + " +
      "CAST(rpad(split_part(revenue, '.', 2), 6, '0') AS BIGINT) AS revenue");
    const parts = [];
    for (const [q, paths] of [...byKind[kind].entries()].sort((a, b) => a[0] - b[0])) {
      const list = '[' + paths.map(sqlString).join(', ') + ']';
      parts.push(`SELECT ${q} AS q, ${sel}${numbered ? ', row_number() OVER () AS pos' : ''} ` +
        `FROM read_csv(${list}, header = true, union_by_name = true, ${types})`);
    }
    if (parts.length === 0) {
      return `SELECT 0 AS q, ${cols.split(', ').map((c) => `NULL::BIGINT AS ${c}`).join(', ')}` +
        `${numbered ? ', 0::BIGINT AS pos' : ''} WHERE false`;
    }
    return parts.join('\nUNION ALL\n');
  };
  return `
WITH
imp AS (${scan('impressions', 'banner_id, campaign_id', false)}),
clk_raw AS (${scan('clicks', 'click_id, banner_id, campaign_id', true)}),
conv_raw AS (${scan('conversions', 'conversion_id, click_id, revenue', true)}),
-- dedup: first occurrence (path order, then row order) per id and quarter
clk AS (SELECT q, click_id, arg_min(banner_id, pos) AS banner_id, arg_min(campaign_id, pos) AS campaign_id
        FROM clk_raw GROUP BY q, click_id),
conv AS (SELECT q, conversion_id, arg_min(click_id, pos) AS click_id, arg_min(revenue, pos) AS revenue
         FROM conv_raw GROUP BY q, conversion_id),
-- revenue in micro-units; inner join = orphan removal: a conversion counts only through a click of its quarter
att AS (SELECT k.q, k.campaign_id, k.banner_id, sum(v.revenue) AS revenue
        FROM conv v JOIN clk k ON v.q = k.q AND v.click_id = k.click_id GROUP BY ALL),
bclk AS (SELECT q, campaign_id, banner_id, count(*) AS clicks FROM clk GROUP BY ALL),
u AS (SELECT DISTINCT q, campaign_id, banner_id FROM imp
      UNION SELECT q, campaign_id, banner_id FROM bclk),
st AS (SELECT u.q, u.campaign_id, u.banner_id, coalesce(b.clicks, 0) AS clicks,
              coalesce(a.revenue, 0) AS revenue, a.revenue IS NOT NULL AS converted
       FROM u LEFT JOIN bclk b USING (q, campaign_id, banner_id) LEFT JOIN att a USING (q, campaign_id, banner_id)),
-- one ranking serves all four rules: converted banners by revenue, then the others by clicks
rk AS (SELECT *, count(*) FILTER (WHERE converted) OVER w AS x, count(*) OVER w AS nu,
              row_number() OVER (PARTITION BY q, campaign_id
                                 ORDER BY converted DESC, CASE WHEN converted THEN revenue END DESC NULLS LAST,
                                          clicks DESC, revenue DESC, banner_id ASC) AS r
       FROM st WINDOW w AS (PARTITION BY q, campaign_id)),
-- the deterministic part of each list; the rest, when X <= 4 and too few banners have clicks, is a random fill
sel AS (SELECT *, CASE WHEN x >= 10 THEN r <= 10
                       WHEN x >= 5 THEN r <= x
                       ELSE r <= 5 AND (converted OR clicks > 0) END AS det
        FROM rk)
SELECT q::INTEGER AS q, campaign_id::VARCHAR AS campaign_id, any_value(x)::INTEGER AS x, any_value(nu)::INTEGER AS nu,
       CASE WHEN any_value(x) >= 10 THEN 'top10_by_revenue' WHEN any_value(x) >= 5 THEN 'all_converted_by_revenue'
            WHEN any_value(x) >= 1 THEN 'converted_then_clicks' ELSE 'top5_by_clicks' END AS rule,
       CASE WHEN any_value(x) >= 10 THEN 10 WHEN any_value(x) >= 5 THEN any_value(x) ELSE least(5, any_value(nu)) END::INTEGER AS len,
       string_agg(banner_id::VARCHAR || ':' || clicks::VARCHAR || ':' || revenue::VARCHAR, ',' ORDER BY r)
         FILTER (WHERE det) AS list,
       string_agg(banner_id::VARCHAR, ',') FILTER (WHERE NOT det AND clicks = 0 AND NOT converted) AS rest
FROM sel GROUP BY q, campaign_id ORDER BY q, campaign_id`;
}

async function run(filesTsv, outJson, threads = '2') {
  const files = fs.readFileSync(filesTsv, 'utf8').split('\n').filter(Boolean).map((l) => {
    const [quarter, kind, path] = l.split('\t');
    return { quarter: Number(quarter), kind, path };
  });
  const apiDir = process.env.DUCKDB_NODE_API;
  if (!apiDir) throw new Error('DUCKDB_NODE_API is not set');
  const { DuckDBInstance } = await import(pathToFileURL(`${apiDir}/lib/index.js`).href);
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const conn = await instance.connect();
  const sql = buildSql(files);
  if (process.env.DUCKDB_SQL_OUT) fs.writeFileSync(process.env.DUCKDB_SQL_OUT, sql + ';\n');
  const t0 = process.hrtime.bigint();
  const reader = await conn.runAndReadAll(sql);
  const rows = reader.getRowObjectsJS();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  fs.writeFileSync(outJson, JSON.stringify(rows));
  console.log(`DUCKDB seconds=${seconds.toFixed(3)} rows=${rows.length} version=${(await (await conn.runAndReadAll('SELECT version() AS v')).getRowObjectsJS())[0].v}`);
}

// Revenue as integer micro-units, from the decimal text, so no float rounding enters the check.
function micro(text) {
  const s = String(text);
  if (!/^\d+(\.\d+)?$/.test(s)) throw new Error(`unexpected revenue text ${s}`);
  const [i, f = ''] = s.split('.');
  if (f.length > 6 && /[^0]/.test(f.slice(6))) throw new Error(`more than six decimals: ${s}`);
  return BigInt(i) * 1000000n + BigInt((f + '000000').slice(0, 6));
}

function compare(duckJson, inspectJson) {
  const duck = JSON.parse(fs.readFileSync(duckJson, 'utf8'));
  // Ids may exceed 2^53 and revenue must stay exact: quote the numbers before parsing.
  const text = fs.readFileSync(inspectJson, 'utf8')
    .replace(/"(banner_id|campaign_id|clicks|x)"\s*:\s*(\d+)/g, '"$1":"$2"')
    .replace(/"revenue"\s*:\s*([0-9.eE+-]+)/g, '"revenue":"$1"');
  const bc = JSON.parse(text);
  const lists = new Map(bc.lists.map((l) => [`${l.quarter}:${l.campaign_id}`, l]));
  const problems = [];
  let compared = 0, withFill = 0, prefixBanners = 0;
  for (const d of duck) {
    const key = `${d.q}:${d.campaign_id}`;
    const l = lists.get(key);
    if (!l) { problems.push(`quarter ${d.q} campaign ${d.campaign_id}: in DuckDB's result, not in bannerc's index`); continue; }
    lists.delete(key);
    compared++;
    const where = `quarter ${d.q} campaign ${d.campaign_id}`;
    if (Number(l.x) !== d.x) problems.push(`${where}: x bannerc ${l.x}, DuckDB ${d.x}`);
    if (l.rule !== d.rule) problems.push(`${where}: rule bannerc ${l.rule}, DuckDB ${d.rule}`);
    const det = d.list ? d.list.split(',').map((e) => e.split(':')) : [];
    if (l.banners.length !== d.len) problems.push(`${where}: list length bannerc ${l.banners.length}, DuckDB ${d.len}`);
    for (let i = 0; i < det.length && i < l.banners.length; i++) {
      const b = l.banners[i], [id, clicks, revenue] = det[i];
      if (b.banner_id !== id || b.clicks !== clicks || micro(b.revenue) !== BigInt(revenue)) {
        problems.push(`${where}: place ${i + 1} bannerc ${b.banner_id} (${b.clicks} clicks, ${b.revenue}), ` +
          `DuckDB ${id} (${clicks} clicks, ${revenue} micro-units)`);
        break;
      }
      prefixBanners++;
    }
    if (l.banners.length > det.length) {
      withFill++;
      const candidates = new Set(d.rest ? d.rest.split(',') : []);
      const seen = new Set();
      for (const b of l.banners.slice(det.length)) {
        if (!candidates.has(b.banner_id) || seen.has(b.banner_id) || b.clicks !== '0' || micro(b.revenue) !== 0n) {
          problems.push(`${where}: random fill banner ${b.banner_id} is not an unlisted banner of the campaign without clicks`);
          break;
        }
        seen.add(b.banner_id);
      }
    }
  }
  for (const key of lists.keys()) problems.push(`quarter ${key.replace(':', ' campaign ')}: in bannerc's index, not in DuckDB's result`);
  console.log(`COMPARE lists=${compared} with_random_fill=${withFill} prefix_banners=${prefixBanners} problems=${problems.length}`);
  for (const p of problems.slice(0, 20)) console.log(`  MISMATCH ${p}`);
  if (problems.length > 20) console.log(`  ... and ${problems.length - 20} more`);
  process.exitCode = problems.length ? 1 : 0;
}

try {
  if (mode === 'run' && args.length >= 2) await run(...args);
  else if (mode === 'compare' && args.length === 2) compare(...args);
  else {
    console.error('usage: node duckdb_rules.mjs run FILES.tsv OUT.json [THREADS] | compare OUT.json INSPECT.json');
    process.exitCode = 2;
  }
} catch (e) {
  console.error(`duckdb_rules.mjs: ${e.stack || e}`);
  process.exitCode = 1;
}
