import warnings

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from keras_attention.evaluation.korean_font import korean_font_path
from keras_attention.evaluation.korean_font import korean_rc_params
from keras_attention.evaluation.korean_font import register_korean_font

LABELS = ["나는", "인공지능을", "공부하는", "학생", "입니다", "."]


def render_korean_ticks(rc_params, path):
    """Draws Hangul tick labels; returns the warnings raised meanwhile."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with matplotlib.rc_context(rc_params):
            figure = Figure(figsize=(4, 2))
            FigureCanvasAgg(figure)
            axes = figure.add_subplot()
            axes.set_xticks(range(len(LABELS)), LABELS)
            axes.set_title("학생 ↔ student")
            figure.savefig(path)
    return [str(w.message) for w in caught]


def missing_glyphs(messages):
    return [m for m in messages if "missing from font" in m]


def test_the_font_ships_with_a_pip_package():
    path = korean_font_path()
    assert path is not None and path.name == "NanumGothic.ttf"
    assert "koreanize_matplotlib" in str(path)
    assert register_korean_font() == "NanumGothic"


def test_hangul_renders_without_missing_glyphs(tmp_path):
    messages = render_korean_ticks(korean_rc_params(), tmp_path / "ko.png")
    assert missing_glyphs(messages) == []
    assert (tmp_path / "ko.png").stat().st_size > 1000


def test_the_check_catches_a_font_without_hangul(tmp_path):
    # Control: matplotlib's default font warns, so the test above would too.
    params = {"font.family": ["DejaVu Sans"]}
    messages = render_korean_ticks(params, tmp_path / "boxes.png")
    assert any("HANGUL SYLLABLE" in m for m in missing_glyphs(messages))
