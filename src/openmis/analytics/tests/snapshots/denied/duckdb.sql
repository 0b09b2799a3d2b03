SELECT DISTINCT
  "t0"."region"
FROM "ds2_v1"."main"."data" AS "t0"
WHERE
  FALSE
ORDER BY
  "t0"."region" ASC
