WITH "t2" AS (
  SELECT
    *
  FROM "ds2_v1"."main"."data" AS "t1"
  WHERE
    "t1"."segment" IN ('SMB', 'Enterprise')
)
SELECT
  *
FROM (
  SELECT
    "t8"."customer.segment",
    "t8"."referrer.name",
    COUNT(*) AS "count"
  FROM (
    SELECT
      "t5"."segment" AS "customer.segment",
      "t6"."name" AS "referrer.name"
    FROM (
      SELECT
        *
      FROM "ds1_v1"."main"."data" AS "t0"
      WHERE
        (
          "t0"."region" = 'North'
        )
        OR (
          (
            "t0"."status" = 'cancelled'
          ) AND (
            "t0"."amount" > 10
          )
        )
    ) AS "t7"
    LEFT OUTER JOIN "t2" AS "t5"
      ON "t7"."customer_id" = "t5"."id"
    LEFT OUTER JOIN "t2" AS "t6"
      ON "t7"."referrer_id" = "t6"."id"
  ) AS "t8"
  GROUP BY
    1,
    2
) AS "t9"
ORDER BY
  "t9"."customer.segment" ASC,
  "t9"."referrer.name" ASC
