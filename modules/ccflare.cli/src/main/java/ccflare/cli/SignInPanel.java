package ccflare.cli;

import ccflare.cli.TuiModel.Overlay;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;

/**
 * The screen while an OAuth sign-in runs: what to do, the provider's URL in full (cut into lines
 * of the screen's width; a selection of drawn lines carries the breaks, so Tab prints it alone on
 * the normal screen, where the terminal wraps it softly and it copies whole), and where it
 * stands. The pasted code is typed on the status line.
 */
final class SignInPanel {

    private SignInPanel() {}

    static List<AttributedString> render(Overlay.SignIn in, Viewport v) {
        List<AttributedString> out = new ArrayList<>();
        String what = in.again() ? "Signing " + in.name() + " (" + in.provider() + ") in again"
                : "Adding the " + in.provider() + " account " + in.name();
        out.add(new AttributedString(what, v.bold()));
        out.add(AttributedString.EMPTY);
        if (!in.instructions().isEmpty()) {
            for (String l : Layout.wrap(in.instructions(), v.width())) out.add(new AttributedString(l));
            out.add(AttributedString.EMPTY);
        }
        if (!in.url().isEmpty()) {
            out.add(new AttributedString("Open this address in a browser (Tab shows it alone, to copy it whole):", v.dim()));
            String url = in.url();
            for (int i = 0; i < url.length(); i += v.width()) {
                out.add(new AttributedString(url.substring(i, Math.min(url.length(), i + v.width())), v.key()));
            }
            out.add(AttributedString.EMPTY);
        }
        out.add(new AttributedString(in.state(), in.state().contains("refused") || in.state().contains("—")
                ? v.tone(Table.Tone.BAD) : v.tone(Table.Tone.WARN)));
        return out;
    }

    /** The status line: the code typed so far, hidden. */
    static String prompt(Overlay.SignIn in) {
        return "Code (CODE#STATE or the address the browser was sent to): " + "*".repeat(in.input().length());
    }
}
