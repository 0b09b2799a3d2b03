SELECT
  "t8"."id",
  "t8"."amount",
  "t8"."customer.name"
FROM (
  SELECT
    *
  FROM (
    SELECT
      "t5"."status",
      "t5"."id",
      "t5"."amount",
      "t3"."name" AS "customer.name",
      "t5"."order_date"
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
    "t6"."status" = 'paid'
  ORDER BY
    "t6"."order_date" DESC NULLS LAST
  LIMIT 50
) AS "t8"
