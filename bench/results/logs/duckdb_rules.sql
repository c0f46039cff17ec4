
WITH
imp AS (SELECT 1 AS q, banner_id, campaign_id FROM read_csv(['/work/main/bench/.cache/data/public-x72/unique/csv/1/impressions_1.csv'], header = true, union_by_name = true, types = {'banner_id': 'BIGINT', 'campaign_id': 'BIGINT'})
UNION ALL
SELECT 2 AS q, banner_id, campaign_id FROM read_csv(['/work/main/bench/.cache/data/public-x72/unique/csv/2/impressions_2.csv'], header = true, union_by_name = true, types = {'banner_id': 'BIGINT', 'campaign_id': 'BIGINT'})
UNION ALL
SELECT 3 AS q, banner_id, campaign_id FROM read_csv(['/work/main/bench/.cache/data/public-x72/unique/csv/3/impressions_3.csv'], header = true, union_by_name = true, types = {'banner_id': 'BIGINT', 'campaign_id': 'BIGINT'})
UNION ALL
SELECT 4 AS q, banner_id, campaign_id FROM read_csv(['/work/main/bench/.cache/data/public-x72/unique/csv/4/impressions_4.csv'], header = true, union_by_name = true, types = {'banner_id': 'BIGINT', 'campaign_id': 'BIGINT'})),
clk_raw AS (SELECT 1 AS q, click_id, banner_id, campaign_id, row_number() OVER () AS pos FROM read_csv(['/work/main/bench/.cache/data/public-x72/unique/csv/1/clicks_1.csv'], header = true, union_by_name = true, types = {'click_id': 'BIGINT', 'banner_id': 'BIGINT', 'campaign_id': 'BIGINT'})
UNION ALL
SELECT 2 AS q, click_id, banner_id, campaign_id, row_number() OVER () AS pos FROM read_csv(['/work/main/bench/.cache/data/public-x72/unique/csv/2/clicks_2.csv'], header = true, union_by_name = true, types = {'click_id': 'BIGINT', 'banner_id': 'BIGINT', 'campaign_id': 'BIGINT'})
UNION ALL
SELECT 3 AS q, click_id, banner_id, campaign_id, row_number() OVER () AS pos FROM read_csv(['/work/main/bench/.cache/data/public-x72/unique/csv/3/clicks_3.csv'], header = true, union_by_name = true, types = {'click_id': 'BIGINT', 'banner_id': 'BIGINT', 'campaign_id': 'BIGINT'})
UNION ALL
SELECT 4 AS q, click_id, banner_id, campaign_id, row_number() OVER () AS pos FROM read_csv(['/work/main/bench/.cache/data/public-x72/unique/csv/4/clicks_4.csv'], header = true, union_by_name = true, types = {'click_id': 'BIGINT', 'banner_id': 'BIGINT', 'campaign_id': 'BIGINT'})),
conv_raw AS (SELECT 1 AS q, conversion_id, click_id, CAST(split_part(revenue, '.', 1) AS BIGINT) * 1000000 + CAST(rpad(split_part(revenue, '.', 2), 6, '0') AS BIGINT) AS revenue, row_number() OVER () AS pos FROM read_csv(['/work/main/bench/.cache/data/public-x72/unique/csv/1/conversions_1.csv'], header = true, union_by_name = true, types = {'conversion_id': 'BIGINT', 'click_id': 'BIGINT', 'revenue': 'VARCHAR'})
UNION ALL
SELECT 2 AS q, conversion_id, click_id, CAST(split_part(revenue, '.', 1) AS BIGINT) * 1000000 + CAST(rpad(split_part(revenue, '.', 2), 6, '0') AS BIGINT) AS revenue, row_number() OVER () AS pos FROM read_csv(['/work/main/bench/.cache/data/public-x72/unique/csv/2/conversions_2.csv'], header = true, union_by_name = true, types = {'conversion_id': 'BIGINT', 'click_id': 'BIGINT', 'revenue': 'VARCHAR'})
UNION ALL
SELECT 3 AS q, conversion_id, click_id, CAST(split_part(revenue, '.', 1) AS BIGINT) * 1000000 + CAST(rpad(split_part(revenue, '.', 2), 6, '0') AS BIGINT) AS revenue, row_number() OVER () AS pos FROM read_csv(['/work/main/bench/.cache/data/public-x72/unique/csv/3/conversions_3.csv'], header = true, union_by_name = true, types = {'conversion_id': 'BIGINT', 'click_id': 'BIGINT', 'revenue': 'VARCHAR'})
UNION ALL
SELECT 4 AS q, conversion_id, click_id, CAST(split_part(revenue, '.', 1) AS BIGINT) * 1000000 + CAST(rpad(split_part(revenue, '.', 2), 6, '0') AS BIGINT) AS revenue, row_number() OVER () AS pos FROM read_csv(['/work/main/bench/.cache/data/public-x72/unique/csv/4/conversions_4.csv'], header = true, union_by_name = true, types = {'conversion_id': 'BIGINT', 'click_id': 'BIGINT', 'revenue': 'VARCHAR'})),
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
FROM sel GROUP BY q, campaign_id ORDER BY q, campaign_id;
