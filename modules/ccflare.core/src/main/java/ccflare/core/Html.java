package ccflare.core;

/** Text placed in the few HTML pages the daemon writes itself (the sign-in page, the OAuth callback page). */
public final class Html {

    private Html() {}

    /** {@code s} with the five characters that could end a text node or an attribute value escaped. */
    public static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
