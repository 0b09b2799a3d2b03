SELECT
  *
FROM (
  SELECT
    "t7"."status",
    CAST(CAST(DATE_TRUNC('MONTH', "t7"."order_date") AS TIMESTAMP) AS DATE) AS "month",
    "t7"."customer.region",
    SUM("t7"."amount") AS "revenue",
    COUNT(*) AS "count"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t5"."amount",
        "t5"."status",
        "t5"."order_date",
        "t3"."region" AS "customer.region"
      FROM (
        SELECT
          *
        FROM "warehouse"."ds1_v1" AS "t0"
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
      ) AS "t5"
      LEFT OUTER JOIN (
        SELECT
          *
        FROM "warehouse"."ds2_v1" AS "t1"
        WHERE
          "t1"."segment" IN ('SMB', 'Enterprise')
      ) AS "t3"
        ON "t5"."customer_id" = "t3"."id"
    ) AS "t6"
    WHERE
      "t6"."order_date" >= MAKE_DATE(2023, 12, 1)
      AND "t6"."order_date" < MAKE_DATE(2024, 11, 21)
  ) AS "t7"
  GROUP BY
    1,
    2,
    3
) AS "t8"
ORDER BY
  "t8"."revenue" DESC NULLS LAST
LIMIT 100
