import pytest

from r1_assets.dedup.numbers import number_signature, numbers_differ


def test_signature_canonicalizes_numbers() -> None:
    assert number_signature("Pay $1,000.50 for three boxes of 007 items, \\frac{1}{2} off") == (
        "1",
        "1000.5",
        "2",
        "3",
        "7",
    )


@pytest.mark.parametrize(
    ("a", "b", "differ"),
    [
        ("Solve 2x+3=7.", "Solve 2x+3=9.", True),  # a number-only variant
        ("Solve 2x+3=7.", "Find x when 2x + 3 = 7.", False),  # a rewording
        ("Tom has 3 apples and buys 4.", "Tom owns three apples, then buys four.", False),
        ("Two friends; at least 2 must agree.", "2 friends, 2 of them must agree.", False),
        ("What is the capital of France?", "Name France's capital city.", False),
        ("A 5 x 5 grid.", "A 6 x 6 grid.", True),
    ],
)
def test_numbers_differ(a: str, b: str, differ: bool) -> None:
    assert numbers_differ(a, b) is differ


FIGURE = (
    "In triangle $ABC$, $AB = 13$ and $BC = 14$.\n[asy]\nunitsize(0.5cm);\n"
    'pair A=(5,12), B=(0,0), C=(14,0);\ndraw(A--B--C--cycle);\nlabel("$A$",A,N);\n[/asy]\n'
    "Find the area of the triangle."
)


def test_numbers_of_figures_and_layout_are_not_the_problems() -> None:
    stripped = FIGURE.replace(FIGURE[FIGURE.index("[asy]") : FIGURE.index("[/asy]") + 6], "")
    assert number_signature(FIGURE) == number_signature(stripped) == ("13", "14")
    tikz = stripped + "\n\\begin{tikzpicture}\\draw (0,0) -- (14,0) -- (5,12);\\end{tikzpicture}"
    svg = stripped + '<svg width="300" height="200"><line x1="0" y1="0" x2="14"/></svg>'
    image = stripped + "\n![figure 2](https://example.org/fig2.png)\n<img src='f3.png' width=400>"
    layout = stripped.replace("Find", "\\\\[2mm]\\hspace{3cm}\\vspace*{1em}Find")
    cut = stripped + "\n[asy] size(100); draw((0,0)--(14,0));"  # a figure cut off at the end
    for variant in (tikz, svg, image, layout, cut):
        assert not numbers_differ(FIGURE, variant), variant
    # numbers of the statement still count
    assert numbers_differ(FIGURE, stripped.replace("14", "15"))
