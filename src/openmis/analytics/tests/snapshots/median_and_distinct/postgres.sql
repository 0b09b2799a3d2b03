SELECT
  *
FROM (
  SELECT
    CAST(DATE_TRUNC('WEEK', "t1"."created_at") AS DATE) AS "created_at",
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
      CAST("t1"."amount" AS DOUBLE PRECISION)) AS "median_amount",
    COUNT(DISTINCT "t1"."customer_id") AS "count_distinct_customer_id"
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
  ) AS "t1"
  GROUP BY
    1
) AS "t2"
ORDER BY
  "t2"."created_at" ASC
