"""The demo catalogue: styles with variants over metal, purity, size and stone."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from core.catalogue.schemas import SkuCreate, StyleCreate
from core.catalogue.service import create_sku, create_style
from core.people.security import Actor

CATEGORIES: dict[str, tuple[list[str | None], float, bool]] = {
    # category: (sizes, base net weight g, serialised)
    "ring": (["5", "6", "7", "8", "9"], 3.0, True),
    "pendant": ([None], 2.2, True),
    "earrings": ([None], 2.6, True),
    "bracelet": (["16cm", "18cm", "20cm"], 8.5, True),
    "necklace": (["40cm", "45cm"], 9.0, True),
    "bangle": (["S", "M", "L"], 14.0, True),
    "brooch": ([None], 6.0, True),
    "cufflinks": ([None], 7.0, True),
    "chain": (["42cm", "50cm"], 4.0, False),
    "anklet": (["23cm", "25cm"], 3.0, False),
}
MOTIFS = [
    "heart",
    "solitaire",
    "halo",
    "eternity",
    "knot",
    "leaf",
    "star",
    "moon",
    "drop",
    "twist",
    "pavé",
    "bezel",
    "cluster",
    "vintage",
    "infinity",
    "flower",
    "bar",
    "hoop",
    "signet",
    "tennis",
]
NAMES = [
    "Aurora",
    "Celeste",
    "Milano",
    "Luna",
    "Seraphine",
    "Orla",
    "Vega",
    "Iris",
    "Nova",
    "Amara",
    "Elise",
    "Juno",
    "Calla",
    "Rosa",
    "Sienna",
    "Thea",
    "Verona",
    "Lyra",
    "Maren",
    "Ottilie",
    "Pia",
    "Zora",
    "Belle",
    "Camille",
    "Dahlia",
]
# metal, colour, purity, price per gram of net metal
METALS = [
    ("gold", "yellow", "Au750", 68.0),
    ("gold", "white", "Au750", 70.0),
    ("gold", "rose", "Au750", 69.0),
    ("gold", "yellow", "Au585", 52.0),
    ("gold", "rose", "Au585", 53.0),
    ("gold", "yellow", "Au999", 92.0),
    ("platinum", "white", "Pt950", 41.0),
    ("silver", "white", "S925", 1.6),
]
STONES = [
    (None, None, None, None),
    ("diamond", 0.25, "VS1", "G"),
    ("diamond", 0.5, "VS2", "H"),
    ("diamond", 1.0, "SI1", "G"),
    ("sapphire", 0.6, None, None),
    ("ruby", 0.5, None, None),
    ("emerald", 0.4, None, None),
    ("pearl", None, None, None),
]
STONE_PRICE = {
    "diamond": 3800.0,
    "sapphire": 900.0,
    "ruby": 1100.0,
    "emerald": 1000.0,
    "pearl": 120.0,
}


@dataclass(frozen=True)
class DemoSku:
    """A generated SKU with what the history generator needs to know."""

    code: str
    style: str
    serialised: bool
    price: float
    metal_letter: str
    popularity: float


def _price(net: float, per_gram: float, stone: str | None, carat: float | None) -> float:
    stone_value = STONE_PRICE.get(stone, 0.0) * (carat or 1.0) if stone else 0.0
    return round((net * per_gram + stone_value) * 2.4 + 35.0, -1)


def build_catalogue(
    session: Session, actor: Actor, rng: random.Random, *, target_skus: int
) -> list[DemoSku]:
    """Create styles and their variants until about ``target_skus`` SKUs exist."""
    skus: list[DemoSku] = []
    n = 0
    while len(skus) < target_skus:
        n += 1
        category = rng.choice(list(CATEGORIES))
        sizes, base_weight, serialised = CATEGORIES[category]
        name = f"{rng.choice(NAMES)} {rng.choice(MOTIFS)} {category}"
        style_code = f"ST{n:04d}"
        create_style(
            session,
            actor=actor,
            data=StyleCreate(
                code=style_code,
                name=name.capitalize(),
                category=category,
                collection=rng.choice(["Classic", "Bridal", "Everyday", "Heritage", "Atelier"]),
                description=f"{name.capitalize()}, {category} from the demo catalogue.",
            ),
        )
        stone = rng.choice(STONES) if category not in ("chain", "anklet") else STONES[0]
        metals = rng.sample(METALS, k=rng.randint(1, 3))
        for metal, colour, purity, per_gram in metals:
            for size in sizes:
                net = round(base_weight * rng.uniform(0.8, 1.25), 2)
                code = f"{style_code}-{purity}{colour[0].upper()}" + (f"-{size}" if size else "")
                price = _price(net, per_gram, stone[0], stone[1])
                create_sku(
                    session,
                    actor=actor,
                    data=SkuCreate(
                        code=code,
                        style=style_code,
                        metal=metal,
                        metal_colour=colour,
                        purity=purity,
                        size=size,
                        stone_type=stone[0],
                        carat=stone[1],
                        clarity=stone[2],
                        colour_grade=stone[3],
                        gross_weight_g=round(net * 1.08, 2),
                        net_weight_g=net,
                        price=Decimal(f"{price:.2f}"),
                        serialised=serialised,
                        size_class="medium" if category in ("bangle", "necklace") else "small",
                    ),
                )
                skus.append(
                    DemoSku(
                        code,
                        style_code,
                        serialised,
                        price,
                        metal[0].upper(),
                        rng.paretovariate(1.2),
                    )
                )
    return skus
