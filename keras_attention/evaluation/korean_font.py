"""A Korean font for matplotlib, registered explicitly by file path.

matplotlib's bundled DejaVu Sans has no Hangul: Korean tick labels come out
as empty boxes with a "Glyph ... missing from font(s)" warning. The font is
NanumGothic (Naver, SIL Open Font License 1.1), a sans-serif with complete
Hangul syllables plus Latin, taken from the `koreanize-matplotlib` wheel
(pinned `koreanize-matplotlib==0.1.1` in `setup.cfg`): it is a small pip
package (8 MB, no dependencies beyond matplotlib) that ships
`koreanize_matplotlib/fonts/NanumGothic.ttf`, so `pip install` of this
project brings the font everywhere, unlike Debian's `fonts-nanum`, which
`pip`/`make` cannot install. (`mplfonts` ships only Chinese Noto/Source Han
fonts in an 85 MB wheel.)

The package is never imported: importing it rewrites global rcParams (and
imports the deprecated `distutils`). The font file is located through the
installed distribution's file list and added with
`matplotlib.font_manager.fontManager.addfont(path)`. A system NanumGothic
(`fonts-nanum`) is used when the package is missing.
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
