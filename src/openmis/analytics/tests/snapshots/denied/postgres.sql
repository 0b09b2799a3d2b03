SELECT
  *
FROM (
  SELECT DISTINCT
    "t0"."region"
  FROM "warehouse"."ds2_v1" AS "t0"
  WHERE
    FALSE
) AS "t1"
ORDER BY
  "t1"."region" ASC
