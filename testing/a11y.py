"""axe-core in Chromium: the accessibility checks of the browser tests.

axe is vendored in static/vendor/axe/ and injected only here, as an init script (which the
page's Content Security Policy does not apply to); no page ever loads it.
"""

from pathlib import Path

from django.conf import settings

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe" / "axe.min.js"

# WCAG 2.1 A and AA rules plus axe's best practices (landmarks, one main, skip links...).
RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(
      n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n").slice(1, 2).join("")
    )
  }));
}"""


def enable_axe(page) -> None:
    """Inject axe into every document this page's context opens from now on."""
    page.context.add_init_script(path=str(AXE))


def violations(page, impacts=("serious", "critical")) -> list[dict]:
    """axe's violations of the given impacts on the page as it is now."""
    return [v for v in page.evaluate(RUN) if v["impact"] in impacts]


def describe(found: list[dict]) -> str:
    return "\n".join(f"[{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in found)


def contrast_ratio(page, selector: str, *, prop: str = "color", against: str | None = None) -> float:
    """The WCAG contrast ratio between an element's `prop` colour and the background behind it
    (the first ancestor with an opaque background), or the colour of `against`."""
    return page.evaluate(
        """([selector, prop, against]) => {
          const el = document.querySelector(selector);
          const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
          const lum = ([r, g, b]) => {
            const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
            return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
          };
          const fg = parse(getComputedStyle(el)[prop]);
          let bg;
          if (against) { bg = parse(getComputedStyle(document.querySelector(against)).backgroundColor); }
          else {
            let node = el;
            while (node) {
              const c = parse(getComputedStyle(node).backgroundColor);
              if (c.length === 3 || (c.length === 4 && c[3] === 1)) { bg = c; break; }
              node = node.parentElement;
            }
            bg = bg || [255, 255, 255];
          }
          const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
          return (a + 0.05) / (b + 0.05);
        }""",
        [selector, prop, against],
    )
