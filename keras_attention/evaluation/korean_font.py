"""A Korean font for matplotlib, registered explicitly by file path.

matplotlib's DejaVu Sans has no Hangul (tick labels become boxes). The
font is NanumGothic (SIL Open Font License 1.1) from the pip package
`koreanize-matplotlib` (pinned in `setup.cfg`), found through the
distribution's file list and never imported (importing it rewrites global
rcParams); a system NanumGothic (`fonts-nanum`) is the fallback.
"""

import functools
import importlib.metadata
import pathlib
import warnings

from matplotlib import font_manager

FONT_PACKAGE = "koreanize-matplotlib"
FONT_FILE = "koreanize_matplotlib/fonts/NanumGothic.ttf"
SYSTEM_FONT_PATHS = (
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/nanum/NanumGothic.ttf",
)
# Latin fallback for any glyph the Korean font lacks (e.g. U+2212 minus).
FALLBACK_FAMILY = "DejaVu Sans"


def korean_font_path():
    """Path of the NanumGothic TTF file, or `None` if none is installed."""
    try:
        distribution = importlib.metadata.distribution(FONT_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        distribution = None
    candidates = []
    if distribution is not None:
        candidates.append(pathlib.Path(distribution.locate_file(FONT_FILE)))
    candidates.extend(pathlib.Path(p) for p in SYSTEM_FONT_PATHS)
    for path in candidates:
        if path.is_file():
            return path
    return None


@functools.cache
def register_korean_font():
    """Adds the Korean font to matplotlib's font manager, once.

    Returns:
        str, the font's family name (`"NanumGothic"`), or `None` with a
        warning when no Korean font is installed (Hangul then renders as
        boxes).
    """
    path = korean_font_path()
    if path is None:
        warnings.warn(
            f"No Korean font found: install `{FONT_PACKAGE}` (pip) or "
            "Debian's fonts-nanum; Hangul will render as boxes.",
            stacklevel=2,
        )
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def korean_rc_params():
    """rcParams for `matplotlib.rc_context`: the Korean font first."""
    family = register_korean_font()
    families = [family, FALLBACK_FAMILY] if family else [FALLBACK_FAMILY]
    return {"font.family": families, "axes.unicode_minus": False}
