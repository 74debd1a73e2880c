package ccflare.core;

/** Base of ccflare's unchecked exceptions: an unexpected failure, with a message a user can act on. */
public class CcflareException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public CcflareException(String message) { super(message); }
    public CcflareException(String message, Throwable cause) { super(message, cause); }
}
