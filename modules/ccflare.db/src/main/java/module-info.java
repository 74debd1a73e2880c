/**
 * SQLite storage: Flyway migrations, the account store, the single writer thread that records
 * requests in batches, and the read queries behind the API.
 */
module ccflare.db {
    // Its public types implement the ports of ccflare.core and take its records.
    requires transitive ccflare.core;
    requires java.sql;
    requires org.slf4j;
    // The driver: SQLiteConfig/SQLiteDataSource set the per-connection pragmas and the IMMEDIATE
    // transaction mode, and SQLiteException carries the result code (constraint vs busy/full).
    requires org.xerial.sqlitejdbc;
    // Automatic module: flyway-core has no module-info and no Automatic-Module-Name, so its name
    // comes from the jar's file name. Migrations are read through a module-aware ResourceProvider.
    requires flyway.core;
    exports ccflare.db;
}
