"""Scraped leftovers: infinite-scroll status, share/print/subscribe/cookie lines,
navigation, bylines, copyright lines, and runs of menu items.

Rules match whole short blocks only, so a sentence of the article that merely
mentions a newsletter is never touched. Each drop names its rule.

>>> from cleaners.types import Block
>>> [b.decision.evidence["rule"] if b.decision else "kept" for b in mark_boilerplate(
...     [Block("End of content"), Block("Share on Facebook"), Block("We talked about sharing on Facebook for an hour.")])]
['infinite_scroll', 'share', 'kept']
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple

from .types import Block, BlockType, Reason

__all__ = ["BoilerplateConfig", "RULES", "match_rule", "mark_boilerplate"]

STEP = "boilerplate"


class BoilerplateConfig(NamedTuple):
    #: Rules apply only to blocks of at most this many words.
    max_words: int = 14
    #: This many consecutive menu-like blocks (very short, no punctuation) form a menu.
    menu_run: int = 4
    #: A menu-like block has at most this many words.
    menu_item_words: int = 3
    #: Cookie banners and copyright footers can be long sentences: their rules apply up to this.
    long_rule_max_words: int = 60


_LONG_RULES = frozenset({"cookie", "copyright"})


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"^\W*(?:" + "|".join(alternatives) + r")\W*$", re.I)


# One entry per rule: (name, pattern over the whole block). English, German, French, Spanish.
RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("infinite_scroll", _rx(
        r"end of (?:content|results|feed|page)", r"no more (?:pages|posts|articles|results|stories)(?: to (?:load|show))?",
        r"(?:load|show|view|see) more(?: (?:posts|articles|stories|news|results|comments))?", r"loading(?:\.\.\.|…)?",
        r"(?:mehr|weitere) (?:laden|anzeigen|artikel laden)", r"keine weiteren (?:artikel|beiträge|seiten)",
        r"ende des inhalts", r"fin du contenu", r"(?:charger|voir|afficher) plus(?: d'articles)?",
        r"plus d'articles", r"(?:cargar|ver|mostrar) más(?: noticias| artículos)?", r"no hay más (?:páginas|artículos|resultados)",
        r"fin del contenido",
    )),
    ("share", _rx(
        r"share(?: (?:this|on \w+|via \w+|article|story|post))*", r"(?:tweet|pin|email|e-mail|whatsapp|facebook|twitter|linkedin|reddit|pinterest|telegram|x)(?: (?:this|it))?",
        r"(?:share|teilen|partager|compartir)(?:\W+\w+){0,6}", r"print(?: this)?(?: article| page)?", r"copy link", r"link (?:copied|kopiert)",
        r"(?:artikel )?(?:teilen|drucken|versenden)", r"(?:imprimer|partager) (?:cet article|l'article)", r"imprimer", r"(?:imprimir|enviar por correo)",
    )),
    ("subscribe", _rx(
        r"(?:sign up|subscribe|register)(?: (?:now|today|here|for (?:free|our|the)\b.*|to (?:our|the)\b.*))?",
        r".{0,40}\bnewsletter\b.{0,60}", r"(?:jetzt )?(?:abonnieren|anmelden|registrieren)(?:\W+\w+){0,5}",
        r"(?:s'abonner|abonnez-vous|inscrivez-vous)(?:\W+\w+){0,6}", r"(?:suscríbete|suscribirse|regístrate)(?:\W+\w+){0,6}",
        r"already a subscriber\??(?:\W+\w+){0,4}", r"get (?:the|our) (?:app|newsletter)(?:\W+\w+){0,4}",
    )),
    ("cookie", _rx(
        r".{0,80}\b(?:we|this (?:site|website)|our (?:site|website)) (?:uses?|utilizes?) cookies\b.{0,200}",
        r".{0,80}\b(?:accept|allow|enable) (?:all )?cookies\b.{0,120}", r".{0,40}\bcookie (?:policy|settings|consent|preferences|notice)\b.{0,120}",
        r".{0,80}\b(?:verwendet|nutzt|verwenden|nutzen) cookies\b.{0,200}", r".{0,80}\butilise(?:nt)? des cookies\b.{0,200}",
        r".{0,80}\butiliza(?:mos)? cookies\b.{0,200}", r"accept(?: all)?", r"reject all", r"(?:alle )?akzeptieren", r"tout accepter",
        r"aceptar(?: todo)?", r"privacy (?:policy|settings|preferences)", r"datenschutz(?:erklärung|einstellungen)?",
    )),
    ("copyright", _rx(
        r".{0,60}(?:©|\(c\)\s*(?:19|20)\d\d|copyright\b).{0,100}", r".{0,60}all rights reserved.{0,40}",
        r".{0,60}alle rechte vorbehalten.{0,40}", r".{0,60}tous droits réservés.{0,40}", r".{0,60}todos los derechos reservados.{0,40}",
    )),
    ("navigation", _rx(
        r"home(?:page)?", r"menu", r"skip to (?:main )?(?:content|navigation)", r"search(?: for)?", r"log ?in", r"sign ?in", r"log ?out",
        r"back to top", r"(?:next|previous) (?:article|post|story|page)", r"read more", r"continue reading", r"(?:read|view) (?:the )?full (?:article|story)",
        r"advertisement", r"sponsored(?: content)?", r"anzeige", r"werbung", r"publicité", r"publicidad", r"follow us(?: on \w+)?",
        r"zur startseite", r"weiterlesen", r"mehr zum thema", r"lire la suite", r"accueil", r"leer más", r"inicio",
        r"(?:related|tags|topics|categories|filed under)\s*:.*", r"comments?(?: \(\d+\))?", r"\d+ comments?", r"leave a (?:comment|reply)",
        r"click here(?:\W+\w+){0,6}", r"(?:watch|listen)(?: now| live)?", r"top(?: stories)?", r"trending(?: now)?",
    )),
    ("byline", _rx(
        r"(?:by|von|par|por)\s+[A-ZÀ-Ý][\w.'’-]+(?:\s+(?:[A-ZÀ-Ý][\w.'’-]+|and|und|et|y|&|,))*(?:\s*[|,–-]\s*.{0,60})?",
        r"(?:posted|published|updated|veröffentlicht|aktualisiert|publié|mis à jour|publicado|actualizado)(?: on| am| le| el)?\s*:?\s*.{0,60}",
        r"(?:photo|foto|image|bild)\s*:\s*.{0,60}",
    )),
)


def match_rule(text: str, config: BoilerplateConfig = BoilerplateConfig()) -> tuple[str, str] | None:
    """The (rule, pattern) a short block matches, or None.

    >>> match_rule("No more pages to load")[0]
    'infinite_scroll'
    >>> match_rule("© 2025 Example Media. All rights reserved.")[0]
    'copyright'
    >>> match_rule("Newsletter abonnieren")[0]
    'subscribe'
    >>> match_rule("The cookie recipe is from my grandmother, who baked every Sunday for forty years.") is None
    True
    """
    words = len(text.split())
    if words > config.long_rule_max_words:
        return None
    for name, pattern in RULES:
        if words > config.max_words and name not in _LONG_RULES:
            continue
        if pattern.match(text):
            return name, pattern.pattern[:80]
    return None


_MENU_ITEM = re.compile(r"^[^.!?…:;]{1,40}$")


def _is_menu_item(block: Block, config: BoilerplateConfig) -> bool:
    return (
        block.type is not BlockType.HEADING
        and len(block.text.split()) <= config.menu_item_words
        and bool(_MENU_ITEM.match(block.text))
    )


def _menu_runs(blocks: list[Block], config: BoilerplateConfig) -> set[int]:
    """Indexes of blocks in runs of at least ``menu_run`` menu-like kept blocks."""
    marked: set[int] = set()
    run: list[int] = []
    for i, block in enumerate(blocks + [Block("x " * 50)]):
        if block.kept and i < len(blocks) and _is_menu_item(block, config):
            run.append(i)
            continue
        if len(run) >= config.menu_run:
            marked.update(run)
        run = []
    return marked


def mark_boilerplate(blocks: Iterable[Block], config: BoilerplateConfig = BoilerplateConfig()) -> list[Block]:
    """Mark scraped leftovers dropped with reason ``boilerplate`` and the rule that matched.

    >>> menu = [Block(t) for t in ("World", "Politics", "Sports", "Culture", "A real sentence of the story, long enough.")]
    >>> [(b.decision.evidence["rule"] if b.decision else "kept") for b in mark_boilerplate(menu)]
    ['menu', 'menu', 'menu', 'menu', 'kept']
    """
    out = list(blocks)
    for i, block in enumerate(out):
        if block.kept and (hit := match_rule(block.text, config)):
            out[i] = block.drop(STEP, Reason.BOILERPLATE, rule=hit[0], pattern=hit[1])
    for i in sorted(_menu_runs(out, config)):
        out[i] = out[i].drop(STEP, Reason.BOILERPLATE, rule="menu", run_min=config.menu_run)
    return out
