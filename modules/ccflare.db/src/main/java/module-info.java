/**
 * SQLite storage: Flyway migrations, the account store, the single writer thread that records
 * requests in batches, and the read queries behind the API.
 */
module ccflare.db {
    // Its public types implement the ports of ccflare.core and take its records.
    requires transitive ccflare.core;
    requires java.sql;
    requires org.slf4j;
    // Named explicitly (not only found through ServiceLoader) so jlink and --limit-modules keep the driver.
    requires org.xerial.sqlitejdbc;
    // Automatic module: flyway-core has no module-info and no Automatic-Module-Name, so its name
    // comes from the jar's file name. Migrations are read through a module-aware ResourceProvider.
    requires flyway.core;
    exports ccflare.db;
}
