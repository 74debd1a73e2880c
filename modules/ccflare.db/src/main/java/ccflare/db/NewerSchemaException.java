package ccflare.db;

import ccflare.core.CcflareException;

/**
 * The database was migrated by a newer ccflare than this one (a downgrade): nothing here may
 * write to it. Its message is one sentence naming the file, both versions and the way back.
 * Unlike a {@link StorageException}, retrying cannot help, so the daemon exits as for bad
 * configuration (2), which the systemd units do not restart.
 */
public final class NewerSchemaException extends CcflareException {
    private static final long serialVersionUID = 1L;
    NewerSchemaException(String message) { super(message); }
}
