SELECT
  AVG("t1"."quantity") AS "avg_quantity"
FROM (
  SELECT
    *
  FROM "warehouse"."ds1_v1" AS "t0"
  WHERE
    (
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
    )
    AND NOT (
      "t0"."status" IN ('cancelled')
    )
    AND "t0"."amount" BETWEEN 10 AND CAST('99.99' AS DECIMAL)
    AND STARTS_WITH("t0"."region", 'N')
    AND "t0"."customer_id" IS NOT NULL
    AND CAST("t0"."created_at" AS DATE) = MAKE_DATE(2024, 11, 20)
) AS "t1"
