"""Science problem families (``s_*``, computed from their parameters) and the conceptual
questions of data/science_concepts.yaml, in the natural_reasoning style."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from demo_sources.common import Params, load_data, lower_first, sig3, tex_num

G = 9.8


@dataclass(frozen=True)
class SciItem:
    """A science question with a stepwise response and a reference answer."""

    family: str
    params: Params
    phrasing: str
    question: str
    steps: tuple[tuple[str, str], ...]
    boxed: str
    reference: str
    final: str

    def step_response(self) -> str:
        """Llama-3.3 style '## Step k' response ending in a boxed answer."""
        body = "\n\n".join(f"## Step {i}: {t}\n{b}" for i, (t, b) in enumerate(self.steps, 1))
        return f"{body}\n\nThe final answer is: $\\boxed{{{self.boxed}}}$"

    def think(self) -> str:
        """Informal reasoning used inside <think> blocks."""
        bodies = [lower_first(b) for _, b in self.steps]
        joined = "\n\n".join(
            f"{c} {b}" for c, b in zip(("So,", "Then", "And"), bodies, strict=False)
        )
        rest = "\n\n".join(bodies[3:])
        parts = ["Okay, let me think about what is being asked here.", joined]
        if rest:
            parts.append(rest)
        parts.append("That all fits together, so I can state the answer.")
        return "\n\n".join(parts)

    def think_response(self) -> str:
        """A reasoning-chain response: <think> ... </think> then the final answer."""
        return f"<think>\n{self.think()}\n</think>\n\n{self.final}"


SciFn = Callable[[Params, str], SciItem]
SCI: dict[str, SciFn] = {}


def sci_family(fn: SciFn) -> SciFn:
    """Register a numeric science template."""
    SCI[fn.__name__.removeprefix("s_")] = fn
    return fn


def _si(
    family: str,
    p: Params,
    ph: str,
    texts: dict[str, str],
    steps: list[tuple[str, str]],
    boxed: str,
    reference: str,
    final: str,
) -> SciItem:
    """Build a SciItem for the chosen phrasing."""
    return SciItem(family, p, ph, texts[ph], tuple(steps), boxed, reference, final)


@sci_family
def s_incline(p: Params, ph: str) -> SciItem:
    """Acceleration on a frictionless incline."""
    m, deg = p
    s = math.sin(math.radians(float(deg)))
    a = sig3(G * s)
    return _si(
        "incline",
        p,
        ph,
        {
            "p0": f"A block of mass {m} kg slides down a frictionless inclined plane that makes "
            f"an angle of {deg}° with the horizontal. What is the acceleration of the "
            "block along the incline? Use g = 9.8 m/s^2.",
            "p1": f"A {m} kg box is released on a smooth ramp inclined at {deg}° to the "
            "horizontal. Neglecting friction and taking g = 9.8 m/s^2, find the "
            "magnitude of its acceleration down the ramp.",
        },
        [
            (
                "Identify the forces acting on the block",
                "The forces are gravity $mg$ and the normal force $N$. Because the "
                "incline is frictionless, only the component of gravity parallel to the "
                "incline, $mg\\sin\\theta$, accelerates the block.",
            ),
            (
                "Apply Newton's second law along the incline",
                "$ma = mg\\sin\\theta$, so $a = g\\sin\\theta$. The mass cancels out.",
            ),
            (
                "Substitute the values",
                f"$a = 9.8 \\times \\sin {deg}^\\circ = 9.8 \\times {s:.4f} \\approx {a}$ m/s$^2$.",
            ),
        ],
        a,
        f"{a} m/s^2",
        f"The block accelerates down the incline at about {a} m/s^2 (a = g sin θ; the "
        f"mass of {m} kg does not matter).",
    )


@sci_family
def s_projectile(p: Params, ph: str) -> SciItem:
    """Horizontal launch from a cliff."""
    h, v = p
    t = math.sqrt(2 * float(h) / G)
    x = float(v) * t
    return _si(
        "projectile",
        p,
        ph,
        {
            "p0": f"A ball is thrown horizontally with a speed of {v} m/s from the top of a "
            f"cliff {h} m high. How far from the base of the cliff does it land? Ignore "
            "air resistance and use g = 9.8 m/s^2.",
            "p1": f"From the edge of a {h} m high cliff, a ball is launched horizontally at {v} "
            "m/s. Neglecting air resistance (g = 9.8 m/s^2), what horizontal distance "
            "does it travel before hitting the ground?",
        },
        [
            (
                "Find the time of flight",
                "Vertically the ball starts from rest: $h = \\frac{1}{2}gt^2$, so $t "
                f"= \\sqrt{{2 \\times {h} / 9.8}} \\approx {sig3(t)}$ s.",
            ),
            (
                "Find the horizontal distance",
                f"Horizontally the velocity is constant: $x = v t = {v} \\times {sig3(t)} "
                f"\\approx {sig3(x)}$ m.",
            ),
        ],
        sig3(x),
        f"{sig3(x)} m",
        f"The ball lands about {sig3(x)} m from the base of the cliff (flight time ≈ {sig3(t)} s).",
    )


@sci_family
def s_parallel(p: Params, ph: str) -> SciItem:
    """Current drawn by two resistors in parallel."""
    r1, r2, v = p
    req = Fraction(r1 * r2, r1 + r2)
    cur = Fraction(v) / req
    return _si(
        "parallel",
        p,
        ph,
        {
            "p0": f"Two resistors of {r1} Ω and {r2} Ω are connected in parallel across a {v} V "
            "battery. What total current does the battery supply?",
            "p1": f"A {v} V battery is connected to a {r1} Ω resistor and a {r2} Ω resistor "
            "wired in parallel. How much current flows out of the battery?",
        },
        [
            (
                "Find the equivalent resistance",
                f"$\\frac{{1}}{{R}} = \\frac{{1}}{{{r1}}} + \\frac{{1}}{{{r2}}}$, so $R = "
                f"\\frac{{{r1} \\times {r2}}}{{{r1} + {r2}}} = {sig3(float(req))}$ Ω.",
            ),
            (
                "Apply Ohm's law",
                f"$I = \\frac{{V}}{{R}} = \\frac{{{v}}}{{{sig3(float(req))}}} = "
                f"{sig3(float(cur))}$ A.",
            ),
        ],
        sig3(float(cur)),
        f"{sig3(float(cur))} A",
        f"The battery supplies a total current of {sig3(float(cur))} A (equivalent "
        f"resistance {sig3(float(req))} Ω).",
    )


@sci_family
def s_ideal_gas(p: Params, ph: str) -> SciItem:
    """Moles from the ideal gas law."""
    pr, vol, t = p
    n = float(pr) * float(vol) / (0.08206 * float(t))
    return _si(
        "ideal_gas",
        p,
        ph,
        {
            "p0": f"How many moles of an ideal gas occupy a volume of {vol} L at a pressure of "
            f"{pr} atm and a temperature of {t} K? Use R = 0.08206 L·atm/(mol·K).",
            "p1": f"An ideal gas fills a {vol} L container at {t} K and {pr} atm. Taking R = "
            "0.08206 L·atm/(mol·K), how many moles of gas are present?",
        },
        [
            ("Write the ideal gas law", "$PV = nRT$, so $n = \\frac{PV}{RT}$."),
            (
                "Substitute the values",
                f"$n = \\frac{{{pr} \\times {vol}}}{{0.08206 \\times {t}}} \\approx "
                f"{sig3(n)}$ mol.",
            ),
        ],
        sig3(n),
        f"{sig3(n)} mol",
        f"About {sig3(n)} mol of gas is present (n = PV/RT).",
    )


@sci_family
def s_water_mass(p: Params, ph: str) -> SciItem:
    """Mass of water from hydrogen gas."""
    (m,) = p
    mol = float(m) / 2.016
    grams = mol * 18.015
    return _si(
        "water_mass",
        p,
        ph,
        {
            "p0": f"How many grams of water are produced when {m} g of hydrogen gas reacts "
            "completely with excess oxygen according to 2H2 + O2 → 2H2O?",
            "p1": f"Hydrogen gas ({m} g) burns completely in excess oxygen (2H2 + O2 → 2H2O). "
            "What mass of water, in grams, forms?",
        },
        [
            (
                "Convert the mass of hydrogen to moles",
                f"The molar mass of H$_2$ is 2.016 g/mol, so $n(\\mathrm{{H_2}}) = {m} / "
                f"2.016 \\approx {sig3(mol)}$ mol.",
            ),
            (
                "Use the mole ratio",
                "From the balanced equation, 2 mol H$_2$ give 2 mol H$_2$O, a 1:1 ratio, "
                f"so $n(\\mathrm{{H_2O}}) \\approx {sig3(mol)}$ mol.",
            ),
            (
                "Convert to grams of water",
                f"The molar mass of H$_2$O is 18.015 g/mol, so $m \\approx {sig3(mol)} "
                f"\\times 18.015 \\approx {sig3(grams)}$ g.",
            ),
        ],
        sig3(grams),
        f"{sig3(grams)} g",
        f"About {sig3(grams)} g of water is produced.",
    )


@sci_family
def s_ph(p: Params, ph_: str) -> SciItem:
    """pH of a strong acid."""
    (c,) = p
    val = -math.log10(float(c))
    return _si(
        "ph",
        p,
        ph_,
        {
            "p0": f"What is the pH of a {c} M solution of hydrochloric acid (HCl)? Assume "
            "complete dissociation.",
            "p1": "Hydrochloric acid is a strong acid that dissociates completely in water. "
            f"Calculate the pH of an HCl solution whose concentration is {c} mol/L.",
        },
        [
            (
                "Determine the hydrogen ion concentration",
                f"HCl is a strong acid, so $[\\mathrm{{H^+}}] = {c}$ M.",
            ),
            ("Compute the pH", f"$\\mathrm{{pH}} = -\\log_{{10}}({c}) \\approx {val:.2f}$."),
        ],
        f"{val:.2f}",
        f"{val:.2f}",
        f"The pH is approximately {val:.2f}.",
    )


@sci_family
def s_half_life(p: Params, ph: str) -> SciItem:
    """Fraction remaining after whole half-lives."""
    th, t = p
    assert t % th == 0
    k = t // th
    frac = Fraction(1, 2**k)
    return _si(
        "half_life",
        p,
        ph,
        {
            "p0": f"A radioactive isotope has a half-life of {th} years. What fraction of the "
            f"original sample remains after {t} years?",
            "p1": f"After {t} years, what fraction of a radioactive sample is left if the "
            f"isotope's half-life is {th} years?",
        },
        [
            ("Count the half-lives", f"$\\frac{{{t}}}{{{th}}} = {k}$ half-lives have elapsed."),
            (
                "Compute the remaining fraction",
                "Each half-life halves the amount, so the fraction left is "
                f"$\\left(\\frac{{1}}{{2}}\\right)^{{{k}}} = {tex_num(frac)}$.",
            ),
        ],
        tex_num(frac),
        f"{frac.numerator}/{frac.denominator}",
        f"{frac.numerator}/{frac.denominator} of the original sample remains after {k} half-lives.",
    )


@sci_family
def s_kinetic(p: Params, ph: str) -> SciItem:
    """Kinetic energy of a car."""
    m, v = p
    ke = 0.5 * m * v * v / 1000
    return _si(
        "kinetic",
        p,
        ph,
        {
            "p0": f"A car with a mass of {m} kg is travelling at {v} m/s. What is its kinetic "
            "energy?",
            "p1": f"Find the kinetic energy of a {m} kg car moving at a speed of {v} m/s.",
        },
        [
            ("Recall the formula", "$KE = \\frac{1}{2}mv^2$."),
            (
                "Substitute the values",
                f"$KE = \\frac{{1}}{{2}} \\times {m} \\times {v}^2 = "
                f"{0.5 * m * v * v:.0f}$ J $= {sig3(ke)}$ kJ.",
            ),
        ],
        f"{sig3(ke)}\\text{{ kJ}}",
        f"{sig3(ke)} kJ",
        f"The car's kinetic energy is about {sig3(ke)} kJ.",
    )


@sci_family
def s_rod(p: Params, ph: str) -> SciItem:
    """Elongation of a steel rod under axial load."""
    length, area, force = p
    delta_mm = force * 1e3 * float(length) / (area * 1e-6 * 200e9) * 1000
    return _si(
        "rod",
        p,
        ph,
        {
            "p0": f"A steel rod {length} m long with a cross-sectional area of {area} mm^2 is "
            f"subjected to an axial tensile force of {force} kN. If Young's modulus for "
            "steel is 200 GPa, by how much does the rod elongate?",
            "p1": f"How much does a {length} m steel bar (cross-section {area} mm^2, E = 200 "
            f"GPa) stretch under an axial tension of {force} kN?",
        },
        [
            ("Use Hooke's law for axial loading", "$\\delta = \\frac{FL}{AE}$."),
            (
                "Convert to SI units",
                f"$F = {force} \\times 10^3$ N, $A = {area} \\times 10^{{-6}}$ m$^2$, $E "
                "= 200 \\times 10^9$ Pa.",
            ),
            (
                "Compute the elongation",
                f"$\\delta = \\frac{{{force} \\times 10^3 \\times {length}}}{{{area} "
                f"\\times 10^{{-6}} \\times 200 \\times 10^9}} \\approx {sig3(delta_mm)}$ "
                "mm.",
            ),
        ],
        f"{sig3(delta_mm)}\\text{{ mm}}",
        f"{sig3(delta_mm)} mm",
        f"The rod stretches by about {sig3(delta_mm)} mm.",
    )


@sci_family
def s_heat_water(p: Params, ph: str) -> SciItem:
    """Heat needed to warm water."""
    m, t1, t2 = p
    q = m * 4.184 * (t2 - t1) / 1000
    return _si(
        "heat_water",
        p,
        ph,
        {
            "p0": f"How much heat is required to raise the temperature of {m} g of water from "
            f"{t1} °C to {t2} °C? The specific heat of water is 4.184 J/(g·°C).",
            "p1": f"Calculate the energy needed to warm {m} g of water from {t1} °C to {t2} °C, "
            "using c = 4.184 J/(g·°C).",
        },
        [
            ("Use the heat equation", "$Q = mc\\Delta T$."),
            (
                "Substitute the values",
                f"$Q = {m} \\times 4.184 \\times ({t2} - {t1}) = "
                f"{m * 4.184 * (t2 - t1):.0f}$ J $\\approx {sig3(q)}$ kJ.",
            ),
        ],
        f"{sig3(q)}\\text{{ kJ}}",
        f"{sig3(q)} kJ",
        f"About {sig3(q)} kJ of heat is required.",
    )


@sci_family
def s_pendulum(p: Params, ph: str) -> SciItem:
    """Period of a simple pendulum."""
    (length,) = p
    t = 2 * math.pi * math.sqrt(float(length) / G)
    return _si(
        "pendulum",
        p,
        ph,
        {
            "p0": f"What is the period of a simple pendulum of length {length} m on Earth (g = "
            "9.8 m/s^2), assuming small oscillations?",
            "p1": f"A simple pendulum {length} m long swings with small amplitude where g = 9.8 "
            "m/s^2. How long does one full oscillation take?",
        },
        [
            ("Recall the small-angle period formula", "$T = 2\\pi\\sqrt{\\frac{L}{g}}$."),
            (
                "Substitute the values",
                f"$T = 2\\pi\\sqrt{{\\frac{{{length}}}{{9.8}}}} \\approx {sig3(t)}$ s.",
            ),
        ],
        sig3(t),
        f"{sig3(t)} s",
        f"The period is about {sig3(t)} s.",
    )


@sci_family
def s_wavelength(p: Params, ph: str) -> SciItem:
    """Wavelength of a sound wave in air."""
    (f,) = p
    lam = 343 / f
    return _si(
        "wavelength",
        p,
        ph,
        {
            "p0": f"A tuning fork produces a sound wave of frequency {f} Hz in air, where the "
            "speed of sound is 343 m/s. What is the wavelength of the sound?",
            "p1": f"Sound travels at 343 m/s in air. Find the wavelength of a {f} Hz tone.",
        },
        [
            ("Use the wave equation", "$v = f\\lambda$, so $\\lambda = \\frac{v}{f}$."),
            ("Substitute the values", f"$\\lambda = \\frac{{343}}{{{f}}} \\approx {sig3(lam)}$ m."),
        ],
        sig3(lam),
        f"{sig3(lam)} m",
        f"The wavelength is about {sig3(lam)} m.",
    )


@sci_family
def s_capacitor(p: Params, ph: str) -> SciItem:
    """Energy stored in a capacitor."""
    c_uf, v = p
    e_mj = 0.5 * c_uf * 1e-6 * v * v * 1000
    return _si(
        "capacitor",
        p,
        ph,
        {
            "p0": f"A {c_uf} μF capacitor is charged to {v} V. How much energy is stored in it?",
            "p1": f"Find the energy stored in a capacitor of capacitance {c_uf} μF when the "
            f"voltage across it is {v} V.",
        },
        [
            ("Recall the energy formula", "$E = \\frac{1}{2}CV^2$."),
            (
                "Substitute the values",
                f"$E = \\frac{{1}}{{2}} \\times {c_uf} \\times 10^{{-6}} \\times {v}^2 "
                f"\\approx {sig3(e_mj)} \\times 10^{{-3}}$ J.",
            ),
        ],
        f"{sig3(e_mj)}\\text{{ mJ}}",
        f"{sig3(e_mj)} mJ",
        f"The capacitor stores about {sig3(e_mj)} mJ.",
    )


@sci_family
def s_free_fall(p: Params, ph: str) -> SciItem:
    """Fall time from rest."""
    (h,) = p
    t = math.sqrt(2 * h / G)
    return _si(
        "free_fall",
        p,
        ph,
        {
            "p0": f"An object is dropped from rest from a height of {h} m. Neglecting air "
            "resistance, how long does it take to reach the ground? Use g = 9.8 m/s^2.",
            "p1": "Ignoring air resistance, how many seconds does a stone released from rest "
            f"take to fall {h} m to the ground? (g = 9.8 m/s^2)",
        },
        [
            ("Write the kinematic equation", "Starting from rest, $h = \\frac{1}{2}gt^2$."),
            (
                "Solve for the time",
                f"$t = \\sqrt{{\\frac{{2 \\times {h}}}{{9.8}}}} \\approx {sig3(t)}$ s.",
            ),
        ],
        sig3(t),
        f"{sig3(t)} s",
        f"It takes about {sig3(t)} s to reach the ground.",
    )


def _concept(
    key: str, question: str, steps: list[tuple[str, str]], boxed: str, reference: str, final: str
) -> SciItem:
    """A conceptual (non-numeric) science question."""
    return SciItem(key, (), "p0", question, tuple(steps), boxed, reference, final)


CONCEPTS: dict[str, SciItem] = {
    c["key"]: SciItem(
        c["key"],
        (),
        "p0",
        c["question"],
        tuple((s["title"], s["body"]) for s in c["steps"]),
        c["boxed"],
        c["reference"],
        c["final"],
    )
    for c in load_data("science_concepts.yaml")
}


def make_sci(family: str, params: Params = (), phrasing: str = "p0") -> SciItem:
    """Instantiate a science item (numeric template or conceptual question)."""
    if family in CONCEPTS:
        return CONCEPTS[family]
    return SCI[family](params, phrasing)
