package ccflare.db;

import ccflare.core.CcflareException;

/** The database failed in a way the caller cannot fix (I/O error, corrupt file, disk full). */
public final class StorageException extends CcflareException {
    private static final long serialVersionUID = 1L;
    public StorageException(String message, Throwable cause) { super(message, cause); }
}
