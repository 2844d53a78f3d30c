/**
 * Connection compartments: each role of a service (reads, writes, analytics) gets its own share of
 * the database's connections, over one physical pool with quotas and reservations, or over a pool
 * of its own, each behind a plain {@link javax.sql.DataSource}. Start at
 * {@link dev.watertight.jdbc.ConnectionCompartments}.
 */
@NullMarked
package dev.watertight.jdbc;

import org.jspecify.annotations.NullMarked;
