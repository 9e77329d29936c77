"""General chat / instruction items (OpenOrca, InfinityInstruct): the texts of
data/chat_items.yaml plus the few items whose answers are computed."""

from __future__ import annotations

from dataclasses import dataclass

from demo_sources.common import load_data

_CHAT = load_data("chat_items.yaml")
SYSTEM_PROMPTS: dict[str, str] = _CHAT["system_prompts"]


@dataclass(frozen=True)
class ChatItem:
    """An instruction-following item; ``key``/``phrasing`` identify paraphrases."""

    key: str
    phrasing: str
    system: str
    question: str
    response: str
    think: str = ""


def _cot_pencils(packs: int, per: int, given: int) -> ChatItem:
    """OpenOrca CoT arithmetic item with a computed answer."""
    total = packs * per
    left = total - given
    return ChatItem(
        "cot_pencils",
        "p0",
        SYSTEM_PROMPTS["info"],
        f"Tom buys {packs} packs of pencils with {per} pencils in each pack. He gives "
        f"{given} pencils to his sister. How many pencils does Tom have left? Let's think "
        "step by step.",
        f"Tom buys {packs} packs × {per} pencils = {total} pencils. After giving {given} "
        f"pencils to his sister, he has {total} - {given} = {left} pencils left.\n"
        f"The answer: {left}.",
    )


def _cot_cookies(cookies: int, per_box: int) -> ChatItem:
    """OpenOrca CoT division item with a computed answer."""
    boxes, rest = divmod(cookies, per_box)
    assert rest == 0
    return ChatItem(
        "cot_cookies",
        "p0",
        SYSTEM_PROMPTS["info"],
        f"Question: A baker made {cookies} cookies and packed them into boxes of "
        f"{per_box} cookies each. How many boxes did she fill?\n"
        "Answer: Let's think step by step.",
        f"The baker packs {per_box} cookies per box, so the number of boxes is {cookies} "
        f"/ {per_box} = {boxes}. The answer is {boxes}.",
    )


def _niv_even_sum(nums: list[int]) -> ChatItem:
    """Natural-instructions list task with a computed answer."""
    return ChatItem(
        "niv_even_sum",
        "p0",
        SYSTEM_PROMPTS["teacher"],
        "Detailed Instructions: In this task, you are given a list of integers. You need "
        "to find the sum of the even numbers in the list. If there are no even numbers, "
        f"return 0.\nQ: {nums}\nA:",
        "The even numbers in the list are "
        f"{', '.join(str(x) for x in nums if x % 2 == 0)}. Their sum is "
        f"{sum(x for x in nums if x % 2 == 0)}.\n\n"
        f"Answer: {sum(x for x in nums if x % 2 == 0)}",
    )


def _chat_item(entry: dict[str, str]) -> ChatItem:
    """A ChatItem of data/chat_items.yaml (``system`` names a system prompt)."""
    system = SYSTEM_PROMPTS[entry["system"]] if "system" in entry else ""
    return ChatItem(
        entry["key"],
        entry["phrasing"],
        system,
        entry["question"],
        entry["response"],
        entry.get("think", ""),
    )


CHAT_ITEMS: list[ChatItem] = [
    *(_chat_item(e) for e in _CHAT["orca"]),
    _cot_pencils(4, 12, 9),
    _niv_even_sum([4, 7, 10, 3, 8, 15]),
    _cot_cookies(84, 12),
]
AM_CHAT_ITEMS: list[ChatItem] = [_chat_item(e) for e in _CHAT["am"]]

CHAT_BY_KEY: dict[tuple[str, str], ChatItem] = {
    (c.key, c.phrasing): c for c in CHAT_ITEMS + AM_CHAT_ITEMS
}


def oversized_question() -> str:
    """A ~40,000-character meeting transcript to summarize (deliberately oversized)."""
    streets = [
        "Main Street",
        "Oak Avenue",
        "Harbor Road",
        "Elm Street",
        "Mill Lane",
        "Station Road",
    ]
    topics = [
        "resurfacing of {s} between the library and the river crossing",
        "new pedestrian signals at the corner of {s} and 5th Avenue",
        "drainage repairs along {s} after the spring floods",
        "a proposal to extend evening bus service on {s}",
        "tree planting and new benches along {s}",
    ]
    parts = [
        "Summarize the following transcript of a city planning committee meeting in five "
        "bullet points.\n"
    ]
    i = 0
    while sum(len(x) for x in parts) < 40_000:
        s = streets[i % len(streets)]
        topic = topics[i % len(topics)].format(s=s)
        parts.append(
            f"\nItem {i + 1}. The chair introduced {topic}. The city engineer presented a "
            f"cost estimate of {120 + 15 * (i % 9)} thousand dollars and a timeline of "
            f"{3 + i % 5} months. Two residents spoke during public comment: one "
            "supported the project, while the other asked the committee to consider "
            "noise during construction and access for delivery vehicles. After "
            f"discussion, the committee voted {5 + i % 3} to {i % 3} to move the item "
            "forward to the full council."
        )
        i += 1
    return "".join(parts)
