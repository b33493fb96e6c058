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

import functools
import itertools
import re
import re._casefix as _casefix
import re._constants as _sre
import re._parser as _sre_parse
import string
from types import MappingProxyType
from typing import Any, Callable, Final, Iterable, Mapping, NamedTuple

from .types import LONGEST_KEPT_COUNT, Block, BlockType, Decision, Reason, ends_with, kept_word_count, word_count

__all__ = ["BoilerplateConfig", "RULES", "announces_list", "is_author_box", "match_rule", "mark_boilerplate", "mark_menus"]

STEP: Final = "boilerplate"


class BoilerplateConfig(NamedTuple):
    #: Rules apply only to blocks of at most this many words.
    max_words: int = 14
    #: This many consecutive menu-like blocks (very short, no punctuation) form a menu.
    menu_run: int = 4
    #: A menu-like block has at most this many words.
    menu_item_words: int = 3
    #: Input layouts menus are looked for in: a scraper's text dump ("text") and HTML
    #: ("html"), not text already cut into paragraphs ("paragraphs", an extractor's output
    #: such as the pipeline's own): its short lines are the article's (ingredients, table
    #: cells, headings whose markup is gone), not a page's navigation.
    menu_layouts: tuple[str, ...] = ("text", "html")
    #: Cookie banners and copyright footers can be long sentences: their rules apply up to this.
    long_rule_max_words: int = 60


_LONG_RULES: Final = frozenset({"cookie", "copyright", "newsletter", "contact", "credit", "comment_notice"})


#: A sentence: six words or more, ending in a lower-case word and a full stop. Rules other
#: than cookie and copyright never match one ("Share prices fell sharply after the news.").
_SENTENCE: Final = re.compile(r"[^\W\d_]*[a-zß-ÿ]{2}[.]\s*$")
_SENTENCE_RULES_OK: Final = frozenset({"cookie", "copyright", "infinite_scroll", "newsletter", "form_message", "contact",
                                "credit", "comment_notice"})


_DATE_WORDS: Final = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|(?:mon|tue|tues|wed|thu|thurs|fri|sat|sun)\.?)"
    r"|(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?)"
    r"|(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|januar|februar|märz|mai|juni|juli|oktober|dezember)"
    r"|(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre)"
    r"|(?:lunes|martes|miércoles|jueves|viernes|sábado|domingo|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)"
    r"|(?:(?:segunda|terça|quarta|quinta|sexta)-feira|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|dezembro)"
    r"|(?:lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre)"
    r"|updated|published|posted|last|modified"
)


#: What makes a run of numbers a date or time: a date word, hh:mm, am/pm, a d/m/y date or a
#: year. Without one it is a price, a score or a phone number ("$309.16", "1-0", "02-751-1500").
_DATE_ANCHOR: Final = (
    r"(?=.*(?:(?<!\w)(?:" + _DATE_WORDS + r")(?!\w)|\d{1,2}[:h]\d{2}|(?<!\w)[ap]\.?m\.?(?!\w)"
    r"|(?<!\d)\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?!\d)|(?<!\d)(?:19|20)\d\d(?!\d)))"
)


#: A date line to its end: two or more date words, numbers and separators.
_DATE_TOKEN_WORDS: Final = r"(?:" + _DATE_WORDS + r"|at|um|à|às|alle|a las|de|of|[ap]\.?m\.?|(?-i:[A-Z]{2,4}))(?!\w)"
_DATE_TOKEN_OTHERS: Final = r"|\d{1,4}(?:st|nd|rd|th|\.)?(?!\w)|[,./:\-–|()@])\s*){2,}$"
_DATE_TOKENS: Final = r"(?:(?:" + _DATE_TOKEN_WORDS + _DATE_TOKEN_OTHERS
#: The timestamp rule's other lines: a relative time ("3 hours ago") and an ISO 8601 stamp.
_OTHER_TIMESTAMPS: Final = (
    r"|^\W*\d{1,3}\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago"
    r"(?:\s+at\s+\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?)?\W*$"
    r"|^\W*(?:vor|il y a|hace)\s+\d{1,3}\s+\w+\W*$"
    r"|^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\s*$"  # ISO 8601, as metadata prints it
)


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"^\W*(?:" + "|".join(alternatives) + r")\W*$", re.I)


#: The rules over the whole block, in order: (name, alternatives), each rule one regex
#: ``^\W*(?:alternative|...)\W*$`` (:func:`_rx`). English, German, French, Spanish.
_WHOLE_BLOCK_RULES: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("infinite_scroll", (
        r"end of (?:content|results|feed|page)", r"no more (?:pages|posts|articles|results|stories)(?: to (?:load|show))?",
        r"(?:load|show|view|see) more(?: (?:posts|articles|stories|news|results|comments))?",
        r"(?:loading|wird geladen|chargement|cargando)(?:\.\.\.|…)?",
        r"(?:mehr|weitere) (?:laden|anzeigen|artikel laden)", r"keine weiteren (?:artikel|beiträge|seiten)",
        r"ende des inhalts", r"fin du contenu", r"(?:charger|voir|afficher) plus(?: d'articles)?",
        r"plus d'articles", r"(?:cargar|ver|mostrar) más(?: noticias| artículos)?", r"no hay más (?:páginas|artículos|resultados)",
        r"fin del contenido",
    )),
    ("share", (
        r"share(?: (?:this|it|now|on|via|article|story|post|page|with|your|friends|[A-Z]\w+|facebook|twitter|x|email|linkedin|whatsapp))*",
        r"(?:tweet|pin|email|e-mail|whatsapp|facebook|twitter|linkedin|reddit|pinterest|telegram|x|flipboard)(?: (?:this|it))?",
        r"(?:teilen|partager|compartir)(?: (?:auf|sur|en|on|via) \w+)?", r"print(?: this)?(?: article| page)?", r"copy link",
        r"click to (?:share|email|e-mail|print|tweet|pin)\b.{0,60}",
        r"(?:share(?: this)?(?: on| via)?\s*:?\s*)?(?:(?:whatsapp|facebook|twitter|pinterest|pint|linkedin|email|e-mail|reddit|telegram|tumblr|flipboard|print|google\+?)\W+){2,}\w*",
        r"link (?:copied|kopiert)", r"(?:artikel )?(?:teilen|drucken|versenden)", r"(?:imprimer|partager) (?:cet article|l'article)",
        r"imprimer", r"(?:imprimir|enviar por correo)", r"(?:teilen mit|gefällt mir|like this|me gusta|j'aime)",
        r"(?:like|enjoy(?:ed)?|love) this (?:story|article|post)\?(?: share it\b.{0,60})?",
    )),
    ("subscribe", (
        r"(?:sign up|subscribe|register|join)(?: (?:now|today|here|for (?:free|our|the|a)\b.*|to (?:our|the)\b.*))?",
        r"(?:sign up|subscribe|get|join|receive)\b.{0,50}\bnewsletters?\b.{0,60}", r"(?:our |the )?newsletters?",
        r"(?:jetzt )?(?:abonnieren|anmelden|registrieren)(?:\W+\w+){0,5}", r"newsletter (?:abonnieren|bestellen)",
        r"(?:s'abonner|abonnez-vous|inscrivez-vous)(?:\W+\w+){0,6}", r"(?:suscríbete|suscribirse|regístrate)(?:\W+\w+){0,6}",
        r"already a subscriber\??(?:\W+\w+){0,4}", r"get (?:the|our) (?:app|newsletter)(?:\W+\w+){0,4}",
    )),
    # a newsletter's pitch, which may be a long sentence: an offer ("Get …", "Receive …") of
    # something delivered to "your inbox", or "your inbox" beside a newsletter, subscribing or signing up
    ("newsletter", (
        r"(?:get|receive|have|let)\b.{0,120}\b(?:to|in|into|meet) your inbox\b.{0,160}",
        r"(?=.{0,300}\b(?:newsletters?|subscrib\w*|sign(?:ing)? up|unsubscribe)\b).{0,200}\b(?:to|in|into) your inbox\b.{0,200}",
    )),
    # a form's answer left on the page: "Thanks for signing up!", "There was an error processing
    # your subscription.", "An error has occurred, please try again later."
    ("form_message", (
        r"thanks? (?:you )?for (?:signing up|subscribing|registering)(?: (?:to|for) .{0,60})?",
        r"(?:keep an eye on|check) your inbox(?: .{0,80})?",
        r"(?:sorry[,.!]?\s*)?there was an? (?:error|problem) processing your (?:subscription|request|sign-?up)",
        r"(?:sorry[,.!]?\s*)?an? (?:unexpected )?error (?:has )?occurred(?:[,.;]? (?:please|while (?:trying to|processing|loading)).{0,80})?",
        r"(?:[^.!?]{0,60}[,.!] )?please try again(?: later| in a (?:minute|moment|few minutes))?",
    )),
    # how to reach or follow the author or the outlet, with the handle, address or link:
    # "Email Tariq Malik at tmalik@space.com or follow him @tariqjmalik.", "More AP NBA: https://…"
    ("contact", (
        r"(?:follow|email|e-mail|reach|contact)\b[^.!?]{0,120}(?:@\w|https?://|www\.).{0,400}",
        r"(?:have a (?:news )?tip\?\s*)?[^.!?]{0,80}\b(?:may|can) be reached at \S+@\S+.{0,240}",
        r"more (?-i:(?:[A-Z][\w.&'’-]*\s?){1,5}):\s*https?://.{0,200}",
        r"subscribe to (?:the |our )?[^.!?]{0,40}\b(?:youtube channel|podcast)\b.{0,120}",
        # labelled links only: "Listen: http://… Download: http://… iTunes: http://…"
        r"[\w ]{1,20}:\s*https?://\S+(?:\s*[\w ]{1,20}:\s*https?://\S+)+\s*",  # (written out: "http" is needed)
    )),
    # how the comments below are moderated: "ATENÇÃO: Comentários com textos ininteligíveis … não
    # serão aprovados", "Thank you! Your comment will be reviewed by the moderator …"
    ("comment_notice", (
        r"(?:atenção|attention|note|hinweis|remarque|nota|aviso)\s*:\s*.{0,60}"
        r"\b(?:comments?|comentários?|comentarios?|kommentare?|commentaires?)\b.{0,240}",
        r"(?:thank you!?\s*)?your comment (?:will be|is being|has been) (?:reviewed|moderated|approved|held)\b.{0,160}",
    )),
    # who reported, wrote or edited the story: "(Reporting by …; Editing by …)",
    # "Associated Press writers … contributed to this report."
    ("credit", (
        r"\((?:additional )?(?:reporting|writing|editing|compiled) by [^()]{3,300}\)",
        r"(?:additional )?(?:reporting|writing) by (?-i:[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)+)"
        r"(?:(?:[,;]| and) (?:(?:additional )?(?:reporting|writing|editing) by )?(?-i:[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)+))*",
        r"[^.!?]{0,300}\bcontributed (?:reporting )?(?:to )?(?:this|the) (?:report|story|article)",
    )),
    # a content management system's markup left in the text: "[button link=… type=…] Send us
    # YOUR kit review[/button]", "[caption id=…]"
    ("markup", (
        r"\[[a-z_]+(?:\s+[a-z_-]+\s*=\s*[^\]]{0,200})+\].{0,200}",
    )),
    ("cookie", (
        r"(?:[\w,]+ ){0,6}(?:we|this (?:site|website)|our (?:site|website)|wir|diese (?:website|seite)|nous|ce site|este sitio(?: web)?|utilizamos) "
        r"(?:uses?|utilizes?|verwendet|verwenden|nutzt|nutzen|utilise|utilisons|utiliza|usa)(?: \w+)? cookies\b.{0,200}",
        r"(?:accept|allow|enable) (?:all )?cookies\b.{0,80}", r"cookies? (?:policy|settings|consent|preferences|notice)",
        r"accept(?: all)?", r"reject all", r"(?:alle )?akzeptieren", r"tout accepter",
        r"aceptar(?: todo)?", r"privacy (?:policy|settings|preferences)", r"datenschutz(?:erklärung|einstellungen)?",
    )),
    ("copyright", (
        r".{0,60}(?:©|\(c\)\s*(?:19|20)\d\d|copyright\s*(?:©\s*)?(?:19|20)\d\d).{0,120}",
        # "copyright Inexhibit 2019 - ISSN: 2283-5474": the holder's capitalised name before the year
        r"copyright\s+(?-i:(?:[A-Z][\w.&'’-]*\s+){1,4})(?:19|20)\d\d\b.{0,120}",
        # one alternative, not one per language: the line is searched once for any of them
        r".{0,60}(?:all rights reserved|alle rechte vorbehalten|tous droits réservés|todos los derechos reservados).{0,40}",
        # a reprint notice: "This copy is for your personal, non-commercial use only. To order …"
        r".{0,60}for (?:your )?personal,? non-?commercial use only.{0,240}",
    )),
    # a label over a page's tags ("Tags", "Schlagwörter"; not "Keywords", which a paper's abstract
    # lists as its own): the line of tags under it goes with it (:func:`mark_boilerplate`)
    ("tags", (
        r"tags?", r"tagged(?: with| in)?", r"tags relacionadas", r"schlagw[öo]rter", r"schlagworte",
        r"stichw[öo]rter", r"étiquettes", r"mots[- ]clés", r"etiquetas",
    )),
    ("navigation", (
        r"home(?:page)?", r"menu", r"skip to (?:main )?(?:content|navigation)", r"search(?: for)?", r"log ?in", r"sign ?in", r"log ?out",
        r"back to top", r"(?:next|previous) (?:article|post|story|page)", r"read more", r"continue reading", r"(?:read|view) (?:the )?full (?:article|story)",
        r"advertisement", r"sponsored(?: content)?", r"anzeige", r"werbung", r"publicité", r"publicidad",
        r"(?:follow us|síguenos|siguenos|folge(?:n sie)? uns|suivez-nous)(?: (?:on|en|auf|sur) .{0,60})?",
        # a follow button: "Follow Victor Davis Hanson on Twitter", "Follow the topics within this article"
        r"follow (?:(?:me|him|her|them|(?-i:[A-ZÀ-Ý][\w.'’-]+)(?: (?-i:[A-ZÀ-Ý][\w.'’-]+)){0,3}) on (?:twitter|facebook|instagram|linkedin|youtube|tiktok|x)"
        r"|the (?:author|authors|topics?|writer|reporter)(?: (?:of|in|within) this (?:article|story))?)",
        r"(?:sie sind (?:aktuell |derzeit )?nicht (?:eingeloggt|angemeldet)|you are not logged in)",
        r"zur startseite", r"weiterlesen", r"mehr zum thema", r"lire la suite", r"accueil", r"leer más", r"inicio",
        r"(?:related|tags|topics|categories|filed under)\s*:.*", r"comments?(?: \(\d+\))?", r"\d+ comments?", r"leave a (?:comment|reply)",
        r"click here(?:\W+\w+){0,6}", r"(?:watch|listen)(?: now| live)?", r"top(?: stories)?", r"trending(?: now)?",
        # media and widget controls left alone on a line
        r"close", r"videos?", r"photos?", r"(?:view|show|hide|load) (?:all )?comments", r"back to (?:the )?gallery",
        r"view pdf(?:/print mode)?",
        # a call for readers' comments
        r"(?:tell us|let us know) what you think", r"have your say", r"what do you think\?",
    )),
    ("byline", (
        r"(?:by|von|par|por)\s+(?-i:[A-ZÀ-Ý][\w.'’-]+(?:\s+(?:[A-ZÀ-Ý][\w.'’-]+|and|und|et|y|&|,)){0,6})(?:\s*[|,–-]\s*[^.!?]{0,60})?",
        r"(?:posted|published|updated|veröffentlicht|aktualisiert|publié|mis à jour|publicado|actualizado)(?: on| am| le| el)?\s*:?\s*[^!?]{0,60}\d[^!?]{0,30}",
        # the author's address: "Write to Al Root at allen.root@dowjones.com"
        r"(?:write to|e-?mail|contact)\s+(?-i:[A-ZÀ-Ý][\w.'’-]+)(?:\s+(?:(?-i:[A-ZÀ-Ý][\w.'’-]+)|and|&)){0,6}\s+at\s+\S+@\S+",
        r"(?:photo|foto|image|bild)\s*:\s*.{0,60}",
        # the reading time: "5 min read", "Reading time: 4 minutes", "Tempo de leitura: 1 minuto"
        r"(?:reading time|read time|lesezeit|temps de lecture|tiempo de lectura|tempo de leitura|tempo di lettura)\s*:?\s*"
        r"(?:about |ca\. |~\s*)?\d{1,3}\s*(?:min(?:ute|uto|uti|utos|uten)?s?\.?|mins?\.?)(?: read)?",
        r"\d{1,3}[\s-]*(?:min(?:ute)?s?\.?)[\s-]*read",
        # where the text or its pictures come from ("Quelle: Landesregierung", "Crédits photos : Bestimage")
        r"(?:quellen?|quellenangaben|bildquellen?|titelbild|sources?|fuentes?|crédits?(?: photos?)?|credits?)\s*:\s*.{0,60}",
    )),
)

#: One entry per rule: (name, pattern over the whole block), in the order they are tried.
RULES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (name, _rx(*alternatives)) for name, alternatives in _WHOLE_BLOCK_RULES
) + (
    ("timestamp", re.compile(r"^\W*(?=.*\d)" + _DATE_ANCHOR + _DATE_TOKENS + _OTHER_TIMESTAMPS, re.I)),
    # An image or asset address on its own line: page metadata (og:image) printed into a dump.
    # A link to a page stays: articles list their sources that way.
    ("asset_url", re.compile(r"^\s*(?:https?:)?//\S+\.(?:png|jpe?g|gif|webp|svg|ico|css|js)(?:[?#]\S*)?\s*$", re.I)),
)


def _literal_strings(pattern: str) -> frozenset[str] | None:
    """The strings (as written) ``pattern`` matches, when they are a finite set of literals
    (characters, classes of characters, choices and optional parts); else None.

    >>> sorted(_literal_strings(r"(?:mon|tue)\\.?|[ap]m")), _literal_strings(r"\\d+")
    (['am', 'mon', 'mon.', 'pm', 'tue', 'tue.'], None)
    """
    return _strings_of(_sre_parse.parse(pattern))


def _strings_of(items: Any) -> frozenset[str] | None:
    """:func:`_literal_strings` of a parsed sequence of regex items."""
    strings = frozenset({""})
    for op, av in items:
        if op is _sre.LITERAL:
            options: frozenset[str] | None = frozenset(chr(av))
        elif op is _sre.IN and all(kind is _sre.LITERAL for kind, _ in av):
            options = frozenset(chr(value) for _, value in av)
        elif op is _sre.SUBPATTERN and av[0] is None:
            options = _strings_of(av[3])
        elif op is _sre.BRANCH:
            branches = [_strings_of(branch) for branch in av[1]]
            finite = [strings for strings in branches if strings is not None]
            options = None if len(finite) < len(branches) else frozenset[str]().union(*finite)
        elif op is _sre.MAX_REPEAT and av[:2] == (0, 1):
            body = _strings_of(av[2])
            options = None if body is None else body | {""}
        else:
            return None
        if options is None:
            return None
        strings = frozenset(a + b for a in strings for b in options)
    return strings


def _exact_tree(strings: list[str]) -> str:
    """A regex matching exactly ``strings`` (sorted), their common beginnings written once: a
    regex ignoring case tries each alternative of a flat list in turn (~100 date words at each
    place), a tree one branch per distinct first character.

    >>> _exact_tree(["mar", "mar.", "march", "may"]), _exact_tree(["a b", "x"])
    ('ma(?:r(?:(?:\\\\.|ch))?|y)', '(?:a\\\\ b|x)')
    """
    heads = list(dict.fromkeys(string[0] for string in strings if string))
    branches = [re.escape(head) + _exact_tree([s[1:] for s in strings if s[:1] == head]) for head in heads]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return "(?:" + body + ")?" if "" in strings else body


def _tree_of(pattern: str) -> str:
    """``pattern``, a finite set of literal strings (:func:`_literal_strings`), as one :func:`_exact_tree`."""
    strings = _literal_strings(pattern)
    assert strings is not None, pattern
    return _exact_tree(sorted(strings))


#: :data:`_DATE_WORDS` as a tree (:func:`_exact_tree`), and the tokens' words with it.
_DATE_WORDS_TREE: Final = _tree_of(_DATE_WORDS)
_DATE_TOKEN_WORDS_TREE: Final = r"(?:" + _tree_of(r"(?:" + _DATE_WORDS + r"|at|um|à|às|alle|a las|de|of|[ap]\.?m\.?)") + r"|(?-i:[A-Z]{2,4}))(?!\w)"
assert _DATE_TOKEN_WORDS == r"(?:" + _DATE_WORDS + r"|at|um|à|às|alle|a las|de|of|[ap]\.?m\.?|(?-i:[A-Z]{2,4}))(?!\w)"
assert _DATE_WORDS in _DATE_ANCHOR


#: The timestamp rule with its cheap conditions first: the same lines match, but a line with a
#: digit that is no date ("Palm Bay 18 22 13 17") fails on its first word instead of after
#: :data:`_DATE_ANCHOR` searched the whole line for a date word at every position. (Each
#: condition is a look-ahead at the same place: their order does not change what matches.)
#: Every line the rule matches has a digit, so a line without one (most lines) is let go after
#: one look for it, before the ~100 date words are tried at its start.
#: Its tokens' words are tried only at a letter (each of them begins with one): at a number or
#: a mark, the ~100 date words are not tried one by one (a regex ignoring case tries each).
#: Its date words are written as a tree (:data:`_DATE_WORDS_TREE`).
_TIMESTAMP_TOKENS_FIRST: Final = (r"(?=\D*+\d)(?:^\W*(?=(?:(?:(?=[^\W\d_])" + _DATE_TOKEN_WORDS_TREE + _DATE_TOKEN_OTHERS
                           + r")(?=.*\d)" + _DATE_ANCHOR.replace(_DATE_WORDS, _DATE_WORDS_TREE) + _OTHER_TIMESTAMPS + ")")

# --- the rules indexed by a block's first word ----------------------------------------
# A whole-block alternative that begins with a literal word ("share", "sign up", "(?:tweet|pin)")
# matches only a block whose first word (its first run of word characters: where ``^\W*``
# stops) is one of those words, case aside. So a block is tried only against the alternatives
# indexed under its first word (one small regex, a named group per rule: a hit names its rule
# at once), those that can begin anywhere (a copyright line, a cookie notice: ruled out in
# ASCII text by the strings they need) and the timestamp and asset rules. Nearly every block
# (a sentence, a headline) has no entry, and is let go after a dictionary look-up.

#: The characters ``\W`` matches, as the parser writes them in a class (``\s``, ``\W``).
_NOT_WORD_CATEGORIES: Final = frozenset({_sre.CATEGORY_SPACE, _sre.CATEGORY_NOT_WORD, _sre.CATEGORY_LINEBREAK})
_ZERO_WIDTH: Final = frozenset({_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT})
_REPEATS: Final = frozenset({_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT})


class _UnknownWord(Exception):
    """An alternative whose first word is no finite set of literal words."""


def _is_word_char(char: str) -> bool:
    return re.fullmatch(r"\w", char) is not None


def _never_word(op: Any, av: Any) -> bool:
    """A parsed item that matches only characters ``\\W`` matches (a space, a colon, ``\\s``, ``\\W``)."""
    if op is _sre.LITERAL:
        return not _is_word_char(chr(av))
    if op is _sre.IN:
        return all((kind is _sre.LITERAL and not _is_word_char(chr(value)))
                   or (kind is _sre.CATEGORY and value in _NOT_WORD_CATEGORIES) for kind, value in av)
    return False


def _words_after(items: Any, begun: frozenset[str], done: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The first words (lower case) after matching the parsed ``items``: ``begun``, words still
    open (a word character may follow; "": none seen yet), and ``done``, words a non-word
    character ended. Raises :class:`_UnknownWord` where a word could go on with a character that
    is no literal (``\\w``, ``.``, a class). Zero-width items are passed over: that can only
    add words, never miss one."""
    for op, av in items:
        if not begun:
            break  # every first word is complete: what follows cannot change it
        if op is _sre.LITERAL and _is_word_char(chr(av)):
            begun = frozenset(word + chr(av).lower() for word in begun)
        elif op is _sre.IN and all(kind is _sre.LITERAL and _is_word_char(chr(value)) for kind, value in av):
            begun = frozenset(word + chr(value).lower() for word in begun for _, value in av)  # "[ap]"
        elif op is _sre.AT and av is _sre.AT_BOUNDARY:  # ``\b`` after a word character: no more of it
            done |= begun - {""}
            begun &= {""}
        elif op in _ZERO_WIDTH:
            continue
        elif _never_word(op, av):  # ends each word begun ("" stays: a non-word character before the first word)
            done |= begun - {""}
            begun &= {""}
        elif op is _sre.SUBPATTERN:
            begun, done = _words_after(av[3], begun, done)
        elif op is _sre.BRANCH:
            ends = [_words_after(branch, begun, done) for branch in av[1]]
            begun, done = frozenset().union(*(e[0] for e in ends)), frozenset().union(*(e[1] for e in ends))
        elif op in _REPEATS:
            low, high, body = av
            once_begun, once_done = _words_after(body, begun, done)
            if high > 1 and once_begun - begun:
                raise _UnknownWord  # a repeated word part ("(?:ab)+")
            # the body only ends words, so more times do what once does
            begun, done = (begun | once_begun, done | once_done) if low == 0 else (once_begun, once_done)
        else:
            raise _UnknownWord
    return begun, done


def first_words(alternative: str) -> frozenset[str] | None:
    """The first words (lower case) a match of ``alternative`` (case ignored) can begin with,
    or None when they are no finite set of literal words (or it can match without a word).

    >>> sorted(first_words(r"(?:sign up|subscribe|join)(?: now)?")), sorted(first_words(r"home(?:page)?"))
    (['join', 'sign', 'subscribe'], ['home', 'homepage'])
    >>> sorted(first_words(r"log ?in")), first_words(r".{0,60}all rights reserved"), first_words(r"\\d+ comments?")
    (['log', 'login'], None, None)
    """
    try:
        begun, done = _words_after(_sre_parse.parse(alternative, re.I), frozenset({""}), frozenset())
    except _UnknownWord:
        return None
    return None if "" in begun else begun | done


def _known(words: frozenset[str] | None) -> frozenset[str]:
    """``words``, asserted found: the first words of a pattern written as literal words.

    >>> sorted(_known(first_words(r"at|um")))
    ['at', 'um']
    """
    assert words is not None, "no finite set of first words"
    return words


def _rules_by_first_word() -> tuple[Mapping[str, tuple[tuple[str, str], ...]], tuple[tuple[str, str], ...]]:
    """(first word -> the (rule, alternative) pairs that can begin with it; the pairs that can
    begin anywhere), each in the rules' order."""
    by_word: dict[str, list[tuple[str, str]]] = {}
    anywhere = []
    for name, alternatives in _WHOLE_BLOCK_RULES:
        for alternative in alternatives:
            words = first_words(alternative)
            if words is None:
                anywhere.append((name, alternative))
            for word in sorted(words or ()):
                by_word.setdefault(word, []).append((name, alternative))
    return MappingProxyType({word: tuple(pairs) for word, pairs in by_word.items()}), tuple(anywhere)


def _named_rules(pairs: Iterable[tuple[str, str]]) -> re.Pattern[str]:
    """``^\\W*(?:(?P<rule>alternative|...)|...)\\W*$`` over (rule, alternative) pairs in the rules'
    order: a match's ``lastgroup`` names the first rule, in that order, one of whose alternatives
    matches (each begins with a word character, so at one place: the block's first word)."""
    grouped: dict[str, list[str]] = {}
    for name, alternative in pairs:
        grouped.setdefault(name, []).append(alternative)
    pattern = re.compile(
        r"^\W*(?:" + "|".join(f"(?P<{name}>{'|'.join(alts)})" for name, alts in grouped.items()) + r")\W*$", re.I)
    assert pattern.groups == len(grouped), "an alternative has a capturing group: lastgroup could name it"
    return pattern


_BY_WORD, _ANYWHERE = _rules_by_first_word()
#: A rule's index in :data:`RULES` by its name (read with a match's ``lastgroup`` too: ``None``
#: for no named group, which no alternative of the patterns read so is).
_RULE_INDEX: Final[Mapping[str | None, int]] = MappingProxyType({name: index for index, (name, _) in enumerate(RULES)})
#: The rules that are no whole-block ones (timestamp, asset_url: the last ones), all at once, a
#: named group each: a match's ``lastgroup`` names the first of them, in order, that matches.
_OTHER_RULES: Final = re.compile(
    "|".join(f"(?P<{name}>{_TIMESTAMP_TOKENS_FIRST if name == 'timestamp' else pattern.pattern})"
             for name, pattern in RULES[len(_WHOLE_BLOCK_RULES):]),
    re.I,
)
assert _OTHER_RULES.groups == len(RULES) - len(_WHOLE_BLOCK_RULES), "a rule has a capturing group: lastgroup could name it"
_FIRST_WORD: Final = re.compile(r"\W*(\w+)")


def _first_word(text: str) -> str:
    """``text``'s first word as :data:`_FIRST_WORD` finds it ("" for none): the text up to its first
    space when that is all letters and digits (``str.isalnum`` is ``\\w`` but "_"), as it is on most
    lines, without the regex (a call of it costs several times a ``partition``); else the regex's.

    >>> _first_word("Share this"), _first_word("“Share this"), _first_word("log_in now"), _first_word("...")
    ('Share', 'Share', 'log_in', '')
    """
    head = text.partition(" ")[0]
    if head.isalnum():
        return head
    word = _FIRST_WORD.match(text)
    return word.group(1) if word is not None else ""
#: The first words (lower case) a timestamp's line can begin with but a number or an upper-case
#: abbreviation ("GMT"): a date word, "at", "um", "a.m.", "vor", "il y a", "hace" (see
#: :data:`_DATE_TOKENS` and :data:`_OTHER_TIMESTAMPS`).
_TIMESTAMP_WORDS: Final = _known(first_words(r"(?:" + _DATE_WORDS + r"|at|um|à|a las|de|of|[ap]\.?m\.?|vor|il y a|hace)"))


def _literal_prefix(items: Any) -> str:
    """The literal characters (lower case) a sequence of parsed regex items begins with."""
    chars = []
    for op, av in items:
        if op is not _sre.LITERAL:
            break
        chars.append(chr(av).lower())
    return "".join(chars)


def required_literals(alternative: str) -> frozenset[str] | None:
    """Strings (lower case) one of which every match of ``alternative`` (case ignored) contains:
    its longest run of literal characters outside any optional part, or the literal beginnings
    of the branches of a choice that is no optional part, whichever is longer; None if neither.

    >>> sorted(required_literals(r".{0,60}(?:©|\\(c\\)\\s*\\d+|copyright).{0,120}"))
    ['(c)', 'copyright', '©']
    >>> required_literals(r"(?:[\\w,]+ ){0,6}(?:we|nous) use cookies\\b.{0,200}"), required_literals(r"\\w+")
    (frozenset({' use cookies'}), None)
    """
    best: set[str] = set()
    shortest = 0
    run: list[str] = []
    for op, av in [*_sre_parse.parse(alternative, re.I), (None, None)]:
        if op is _sre.LITERAL:
            run.append(chr(av).lower())
            continue
        if len(run) > shortest:
            best, shortest = {"".join(run)}, len(run)
        run = []
        if op is _sre.BRANCH:
            prefixes = {_literal_prefix(branch) for branch in av[1]}
            if min(map(len, prefixes)) > shortest:
                best, shortest = prefixes, min(map(len, prefixes))
    return frozenset(best) if best else None


def _needed_strings(alternatives: Iterable[str]) -> frozenset[str] | None:
    """The lower-case strings one of which a block must contain, case aside, for one of
    ``alternatives`` to match it (:func:`required_literals`); None: no such strings."""
    found: set[str] = set()
    for alternative in alternatives:
        literals = required_literals(alternative)
        if literals is None:
            return None
        found |= literals
    return frozenset(found)


def _search_for(strings: frozenset[str] | None) -> re.Pattern[str] | None:
    """One search for any of ``strings`` (in a lower-cased block), None for None. The strings are
    written as a tree of their common beginnings (:func:`_as_tree`): at each place of the text
    the regex engine tries one branch per distinct first character, not one per string (on the
    bench lines, ~40 % faster than the flat alternation).

    >>> _search_for(frozenset({"cookie", "copyright", "©"})).pattern
    '(?:co(?:okie|pyright)|©)'
    """
    return re.compile(_as_tree(sorted(strings))) if strings is not None else None


def _as_tree(strings: list[str]) -> str:
    """A regex matching where any of ``strings`` (sorted) begins, their common beginnings
    written once: ``a(?:b|c)`` for "ab" and "ac". A string that is the beginning of another
    ends the branch (what begins with the longer one begins with it too).

    >>> _as_tree(["reach", "read", "reading time"]), _as_tree(["a.b", "x"])
    ('rea(?:ch|d)', '(?:a\\\\.b|x)')
    """
    return _exact_tree([s for s in strings if not any(other != s and s.startswith(other) for other in strings)])


def _rule_guard(alternatives: Iterable[str]) -> re.Pattern[str] | None:
    """One search for the strings one of which a block (lower-cased) needs for one of one rule's
    ``alternatives`` to match it; None when they need none (the rule is then always tried)."""
    return _search_for(_needed_strings(alternatives))


#: Characters by how often they begin a place a search must try (a space, then letters by their
#: frequency in English and the other languages of the rules); any other character is rarer.
_COMMON_CHARACTERS: Final = " etaoinsrhldcumfpgwybvkxjqz"


def _rarest_part(string: str, shortest: int = 4) -> str:
    """The end of ``string`` from its rarest character (:data:`_COMMON_CHARACTERS`) that leaves
    at least ``shortest`` characters (or the whole string, if shorter): a text holding ``string``
    holds this part, and a search for it tries fewer places of a text (a regex looking for
    strings tries a match at each place holding one of their first characters: at most spaces
    and common letters, "read" aside, nearly every other place of a line).

    >>> _rarest_part(" cookies"), _rarest_part("copyright"), _rarest_part("read"), _rarest_part("©")
    ('kies', 'yright', 'read', '©')
    """
    last = max(0, len(string) - shortest)
    rank = {char: i for i, char in enumerate(_COMMON_CHARACTERS)}
    start = max(range(last + 1), key=lambda i: (rank.get(string[i], len(rank)), -i))
    return string[start:]


def _search_for_parts(strings: frozenset[str] | None) -> re.Pattern[str] | None:
    """:func:`_search_for` of the :func:`_rarest_part` of each of ``strings``: found wherever
    one of them is (and maybe elsewhere: a gate before the rules, not a rule). Over the 20,605
    lines a pass of the 181 text dumps asks :func:`_rule_for_line` about, 594 M instructions
    against 639 M with the strings themselves (short lines 365 against 398; long lines, 15 to
    60 words, 212 against 225 with one ``in`` per string).

    >>> _search_for_parts(frozenset({" cookies", "copyright", "©"})).pattern
    '(?:kies|yright|©)'
    """
    return _search_for(frozenset(map(_rarest_part, strings))) if strings is not None else None


#: What a block needs for :data:`_ANYWHERE` to match it, e.g. "copyright", "©", " cookies".
_ANYWHERE_NEEDS: Final = _needed_strings(alternative for _, alternative in _ANYWHERE)


class _RuleIndex(NamedTuple):
    """Some of :data:`RULES` (all of them, or the long rules), indexed as :func:`_first_rule` tries them."""

    #: The rules' indexes in :data:`RULES`, in order: each tried in turn on a block whose first
    #: word holds a case trap (:data:`_CASE_TRAPS`).
    order: tuple[int, ...]
    #: A block's first word (lower case) -> the rules' whole-block alternatives that can begin with it, as one regex.
    by_word: Mapping[str, re.Pattern[str]]
    #: The rules' alternatives that can begin anywhere, one regex per rule: (the rule's index, regex), in order...
    anywhere: tuple[tuple[int, re.Pattern[str]], ...]
    #: ...each one's :func:`_rule_guard`: a rule is tried on a block holding one of the strings
    #: it needs, not on every block holding one any rule needs...
    guards: tuple[re.Pattern[str] | None, ...]
    #: ...and one search for a part of every string they need (:func:`_search_for_parts`).
    literals: re.Pattern[str]
    #: The rules that are no whole-block ones (:data:`_OTHER_RULES`) are among them.
    others: bool


def _rule_index(names: Iterable[str]) -> _RuleIndex:
    """The :class:`_RuleIndex` of the rules named ``names``.

    >>> long = _rule_index(_LONG_RULES)
    >>> [RULES[i][0] for i in long.order], sorted(long.by_word)[:3], long.others
    (['newsletter', 'contact', 'comment_notice', 'credit', 'cookie', 'copyright'], ['accept', 'aceptar', 'additional'], False)
    """
    names = frozenset(names)
    by_word = {word: kept for word, pairs in _BY_WORD.items() if (kept := [pair for pair in pairs if pair[0] in names])}
    anywhere = [(rule, alternative) for rule, alternative in _ANYWHERE if rule in names]
    anywhere_rules = list(dict.fromkeys(rule for rule, _ in anywhere))
    literals = _search_for_parts(_needed_strings(alternative for _, alternative in anywhere))
    assert literals is not None
    return _RuleIndex(
        order=tuple(index for index, (name, _) in enumerate(RULES) if name in names),
        by_word=MappingProxyType({word: _named_rules(pairs) for word, pairs in by_word.items()}),
        anywhere=tuple((_RULE_INDEX[name], _rx(*(alt for rule, alt in anywhere if rule == name))) for name in anywhere_rules),
        guards=tuple(_rule_guard(alt for rule, alt in anywhere if rule == name) for name in anywhere_rules),
        literals=literals,
        others=not _OTHER_RULE_NAMES.isdisjoint(names),
    )


#: The names of the rules that are no whole-block ones (:data:`_OTHER_RULES`).
_OTHER_RULE_NAMES: Final = frozenset(name for name, _ in RULES[len(_WHOLE_BLOCK_RULES):])
#: Every rule, as a block of at most ``max_words`` words is tried against them.
_EVERY_RULE: Final = _rule_index(name for name, _ in RULES)
#: The rules a block of more words is tried against (the long rules): its first word looks up
#: only their alternatives, and the search before those that can begin anywhere looks for the
#: strings only those need (a long line of prose holds "more ", "read" or "follow" often, a
#: cookie notice's " cookies" or a copyright's "©" seldom).
_LONG_RULE_INDEX: Final = _rule_index(_LONG_RULES)


def _may_be_other_rule(text: str, first: str) -> bool:
    """Whether :data:`_OTHER_RULES` may match ``text`` (whose first word is ``first``): an asset
    address holds "//"; a timestamp's first word is a number, a timestamp word
    (:data:`_TIMESTAMP_WORDS`) or an abbreviation of two to four capitals (its regex, with its
    look for a digit first and some hundred date words, is left for those). A first word with a
    case trap (:data:`_CASE_TRAPS`) is not asked: :func:`_first_rule` tries every rule then.

    >>> _may_be_other_rule("Updated 3 hours ago", "Updated"), _may_be_other_rule("GMT 10:45", "GMT")
    (True, True)
    >>> _may_be_other_rule("Ryan Blaney 2339 1", "Ryan"), _may_be_other_rule("https://x.org/a.png", "https")
    (False, True)
    """
    return (
        "//" in text
        or first[:1].isdecimal()
        or first.lower() in _TIMESTAMP_WORDS
        or (2 <= len(first) <= 4 and first.isascii() and first.isalpha() and first.isupper())
    )


def _first_rule(text: str, rules: _RuleIndex = _EVERY_RULE) -> int | None:
    """The index in :data:`RULES` of the first of ``rules`` that matches ``text``, or None: its
    first word's entry in ``rules.by_word``, the alternatives that can begin anywhere of the
    rules before that, then the rules that are no whole-block ones (the last).

    >>> [RULES[i][0] if i is not None else None for i in map(_first_rule, ("“Share this", "Shared values", "© 2024", "3 hours ago"))]
    ['share', None, 'copyright', 'timestamp']
    >>> _first_rule("Share this", _LONG_RULE_INDEX), RULES[_first_rule("© 2024", _LONG_RULE_INDEX)][0]
    (None, 'copyright')
    """
    first = _first_word(text)
    if not first.isascii() and not _CASE_TRAPS.isdisjoint(first):
        return next((index for index in rules.order if RULES[index][1].match(text)), None)
    found = None
    lower_first = first.lower()
    by_word = rules.by_word.get(lower_first)
    if by_word is not None and (hit := by_word.match(text)) is not None:
        found = _RULE_INDEX[hit.lastgroup]
    # lower-cased, to look for the strings a rule needs: a regex ignoring case agrees with the
    # lower-cased text but for the characters of _CASE_TRAPS (none in ASCII); None for a text
    # holding one (then every rule that can begin anywhere is tried as it is)
    lowered = text.lower() if text.isascii() or not any(map(text.__contains__, _CASE_TRAPS)) else None
    if lowered is None or rules.literals.search(lowered) is not None:  # else it lacks every string they need
        for (index, pattern), guard in zip(rules.anywhere, rules.guards):
            if found is not None and index >= found:
                break
            if guard is not None and lowered is not None and guard.search(lowered) is None:
                continue  # lacks every string this rule needs
            if pattern.match(text):
                return index
    if found is not None:
        return found
    # _may_be_other_rule(text, first), written out (its first word already lower-cased)
    if (rules.others and ("//" in text or first[:1].isdecimal() or lower_first in _TIMESTAMP_WORDS
         or (2 <= len(first) <= 4 and first.isascii() and first.isalpha() and first.isupper()))
            and (hit := _OTHER_RULES.match(text)) is not None):
        return _RULE_INDEX[hit.lastgroup]
    return None


assert _LONG_RULES <= _SENTENCE_RULES_OK  # the long rules may match a sentence


def _looked_up_strings() -> frozenset[str]:
    """Every string looked up or looked for in a lower-cased block."""
    return frozenset((*_BY_WORD, *_TIMESTAMP_WORDS, *(_ANYWHERE_NEEDS or frozenset())))


#: Characters a regex ignoring case takes for a letter of a string looked up or looked for in a
#: lower-cased block (an index word, a timestamp word, a string a rule needs), though their lower
#: case differs: "İ" (whose lower case is two characters) and the letters ``re`` folds together
#: beyond lower case ("ſ" for "s", "ı" for "i"). A first word holding one is looked up the slow
#: way, a block holding one searched by the rules themselves. tests/test_boilerplate.py checks
#: this against every character.
_CASE_TRAPS: Final = frozenset(
    "\u0130" + "".join(chr(other) for char in {c for word in _looked_up_strings() for c in word}
                       for other in _casefix._EXTRA_CASES.get(ord(char), ()))
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
    return _rule_for(text, config.max_words, config.long_rule_max_words, config.menu_item_words)


#: :func:`match_rule`'s answers are kept for this many recent lines: a page's menus, share bars
#: and footers repeat from page to page of a site, and across sites ("Home", "Facebook",
#: "Privacy Policy"): of the 31,151 lines of the 181 text dumps the rules are asked about,
#: 14,049 were among the 8,192 lines looked at last (10,545 among the last 2,048; on those dumps
#: 8,192 lines took 51 M instructions fewer). (Fewer than those lines: a benchmark repeating its
#: documents finds few of its earlier passes' answers, 6 % more hits than a first pass. A line
#: kept is at most 40 * ``long_rule_max_words`` characters: 2,400, 48 on average on those dumps.)
_CACHED_LINES: Final = 8192


def _rule_for(text: str, max_words: int, long_rule_max_words: int, menu_item_words: int) -> tuple[str, str] | None:
    """:func:`match_rule` with the settings it reads. A text too long for any rule is answered
    at once and not kept (a paragraph of thousands of characters would hold memory for
    nothing); the others' answers are kept (:data:`_CACHED_LINES`)."""
    if len(text) > 40 * long_rule_max_words:
        return None
    return _rules_with(max_words, long_rule_max_words, menu_item_words)(text)[0]


#: :func:`_line_answer` of a text too long for any rule (and for a menu item).
_NO_ANSWER: Final[tuple[None, bool]] = (None, False)


@functools.lru_cache(maxsize=8)
def _rules_with(max_words: int, long_rule_max_words: int,
                menu_item_words: int) -> Callable[[str], tuple[tuple[str, str] | None, bool]]:
    """:func:`_line_answer` with these settings, as a function of the line alone whose answers
    are kept for :data:`_CACHED_LINES` lines: a cache keyed by the line itself (a string keeps its
    hash) looks an answer up faster than one keyed by (line, settings), a tuple hashed at each call.

    >>> _rules_with(14, 60, 3)("Share on Facebook")[0][0], _rules_with(14, 60, 3)("Politics"), _rules_with(14, 60, 3) is _rules_with(14, 60, 3)
    ('share', (None, True), True)
    """
    # the settings bound as the first arguments (a partial with keywords would build a dict of them
    # at each call, ~15x the cost of the call), in C: no frame of a closure for each line the cache lacks
    return functools.lru_cache(maxsize=_CACHED_LINES)(
        functools.partial(_line_answer, max_words, long_rule_max_words, menu_item_words))


def _line_answer(max_words: int, long_rule_max_words: int, menu_item_words: int,
                 text: str) -> tuple[tuple[str, str] | None, bool]:
    """What :func:`mark_boilerplate` asks of a line (a pure function of its arguments, so its answers
    can be kept: :func:`_rules_with`): the rule it matches (:func:`_rule_for_line`), and whether
    its text is a menu item's (:func:`_is_menu_text`), which menus ask of the same lines just after.

    >>> _line_answer(14, 60, 3, "Share on Facebook")[0][0], _line_answer(14, 60, 3, "World")
    ('share', (None, True))
    """
    return _rule_for_line(max_words, long_rule_max_words, text), _is_menu_text(text, menu_item_words)


def _rule_for_line(max_words: int, long_rule_max_words: int, text: str) -> tuple[str, str] | None:
    """:func:`_rule_for` of a text short enough for some rule (a pure function of its
    arguments, so its answers can be kept: :func:`_rules_with`)."""
    # word_count, written out (kept: the menus and the main content window count the same lines)
    words = kept_word_count(text) if len(text) <= LONGEST_KEPT_COUNT else len(text.split())
    if words > long_rule_max_words:
        return None
    if words > max_words:  # only the long rules apply: tried directly, not the whole index
        index = _first_rule(text, _LONG_RULE_INDEX)
        return None if index is None else (RULES[index][0], RULES[index][1].pattern[:80])
    index = _first_rule(text)
    if index is None:
        return None
    name, pattern = RULES[index]
    if name not in _SENTENCE_RULES_OK and words >= 6 and _SENTENCE.search(text):
        # a full sentence: of the rules after this one, the first that may take one
        return next(((later, p.pattern[:80]) for later, p in RULES[index + 1:] if later in _SENTENCE_RULES_OK
                     and p.match(text)), None)
    return name, pattern.pattern[:80]


_MENU_ITEM: Final = re.compile(r"^[^.!?…:;。！？：；]{1,40}$")
#: Looked up once: an enum's member is a slow attribute (~0.15 us in Python 3.11), and a menu
#: item is asked of every line.
_PARAGRAPH: Final = BlockType.PARAGRAPH
#: The longest text :data:`_MENU_ITEM` matches: 40 characters and a final line break.
_LONGEST_MENU_TEXT: Final = 41


def _is_menu_text(text: str, item_words: int) -> bool:
    """A menu item's text (of a kept paragraph): short (:data:`_MENU_ITEM`), of at most
    ``item_words`` words (counted before the match: the count of a line of a dump is kept since
    extract_text counted it), with no mark that ends a sentence or a clause.

    >>> _is_menu_text("Politics", 3), _is_menu_text("Read this.", 3), _is_menu_text("World news and more", 3)
    (True, False, False)
    """
    return len(text) <= _LONGEST_MENU_TEXT and kept_word_count(text) <= item_words and _MENU_ITEM.match(text) is not None


def _menu_runs(blocks: list[Block], config: BoilerplateConfig, across_dropped: bool) -> list[int]:
    """Indexes (in order) of blocks in runs of at least ``menu_run`` menu-like kept blocks; with
    ``across_dropped``, blocks already dropped between them do not break a run."""
    marked: list[int] = []
    run: list[int] = []
    item_words, menu_run = config.menu_item_words, config.menu_run
    for i, block in enumerate(blocks):
        text = block.text
        # a menu item: a kept short paragraph (a longer line let go before the call: most of them)
        if (block.decision is None and block.type is _PARAGRAPH and len(text) <= _LONGEST_MENU_TEXT
                and _is_menu_text(text, item_words)):
            run.append(i)
        elif run and (block.decision is None or not across_dropped):  # a line that ends the run (none begun: most lines)
            _add_if_long_enough(run, menu_run, marked)
            run = []
    _add_if_long_enough(run, menu_run, marked)
    return marked


def _add_if_long_enough(run: list[int], menu_run: int, menus: list[int]) -> None:
    """Add ``run``, the indexes of consecutive menu items, to ``menus`` when it holds ``menu_run`` or more.

    >>> menus = [1, 2]; _add_if_long_enough([4, 5], 3, menus); _add_if_long_enough([7, 8, 9], 3, menus); menus
    [1, 2, 7, 8, 9]
    """
    if len(run) >= menu_run:
        menus += run


def _drop_menus(blocks: list[Block], menus: Iterable[int], config: BoilerplateConfig) -> list[Block]:
    """``blocks`` (changed in place, and returned) with the kept blocks at ``menus`` dropped as a ``menu``."""
    menu = Decision(STEP, Reason.BOILERPLATE, {"rule": "menu", "run_min": config.menu_run})
    for i in menus:
        blocks[i] = blocks[i]._with_decision(menu)  # blocks[i].dropped_by(menu) of a kept block
    return blocks


#: A tag: one to six words, no mark that ends a sentence or a clause.
_TAG: Final = re.compile(r"^\s*[^\s.!?;:]+(?:\s+[^\s.!?;:]+){0,5}\s*$")


def is_tag_list(text: str, min_tags: int = 3) -> bool:
    """A line of tags: at least ``min_tags`` short comma-separated phrases, no sentence.

    >>> is_tag_list("calendario stock car 2018, stock car brasil, stock car cascavel, corrida do milhão")
    True
    >>> is_tag_list("We bought flour, sugar, eggs and butter, then baked the cake.")
    False
    """
    tags = text.split(",")
    return len(tags) >= min_tags and all(_TAG.match(tag) for tag in tags)


def mark_boilerplate(
    blocks: Iterable[Block], config: BoilerplateConfig = BoilerplateConfig(), layout: str = "text"
) -> list[Block]:
    """Mark scraped leftovers dropped with reason ``boilerplate`` and the rule that matched,
    then menus (:func:`mark_menus`).

    >>> menu = [Block(t) for t in ("World", "Politics", "Sports", "Culture", "A real sentence of the story, long enough.")]
    >>> [(b.decision.evidence["rule"] if b.decision else "kept") for b in mark_boilerplate(menu)]
    ['menu', 'menu', 'menu', 'menu', 'kept']
    """
    out = list(blocks)
    # the settings read once: the function of the line alone, and the longest line it answers
    answer_for = _rules_with(config.max_words, config.long_rule_max_words, config.menu_item_words)
    longest, menu_run = 40 * config.long_rule_max_words, config.menu_run
    # the blocks one rule's pattern drops share one Decision (as a menu's lines do): the same evidence,
    # built once per document, not once per line (a dump's share bars and footers drop by the dozen)
    decisions: dict[tuple[str, str], Decision] = {}
    # the menus found in the same pass (mark_menus' runs over the blocks the rules leave): a line's
    # answer tells whether its text is a menu item's too
    menus: list[int] = []
    run: list[int] = []
    for i, block in enumerate(out):
        if block.decision is None:
            text = block.text
            hit, menu_like = answer_for(text) if len(text) <= longest else _NO_ANSWER
            if hit is None:
                if menu_like and block.type is _PARAGRAPH:
                    run.append(i)
                    continue
            else:
                decision = decisions.get(hit)
                if decision is None:
                    decision = decisions[hit] = Decision(STEP, Reason.BOILERPLATE, {"rule": hit[0], "pattern": hit[1]})
                out[i] = block._with_decision(decision)  # block.dropped_by(decision), its look at the decision done
                if hit[0] == "tags" and i + 1 < len(out) and out[i + 1].decision is None and is_tag_list(out[i + 1].text):
                    out[i + 1] = out[i + 1].drop(STEP, Reason.BOILERPLATE, rule="tags", label=text)
        if run:  # a line that ends the run (none begun: most lines)
            _add_if_long_enough(run, menu_run, menus)
            run = []
    _add_if_long_enough(run, menu_run, menus)
    return _drop_menus(out, menus, config) if layout in config.menu_layouts else out


def mark_menus(
    blocks: Iterable[Block], config: BoilerplateConfig = BoilerplateConfig(), layout: str = "text",
    runs_across_dropped: bool = False,
) -> list[Block]:
    """Mark runs of short kept lines dropped as a ``menu`` (in the layouts of ``config.menu_layouts``).

    ``runs_across_dropped`` lets lines that other steps dropped in between join a run (as they
    would in the cleaned text); the first pass over a dump does not, so the main-content window
    still sees the gaps.
    """
    out = list(blocks)
    menus = _menu_runs(out, config, runs_across_dropped) if layout in config.menu_layouts else []
    return _drop_menus(out, menus, config)


# --- main content window (plain-text dumps) ----------------------------------------

class WindowConfig(NamedTuple):
    """Where the article sits in a scraper's text dump (every visible line of the page)."""

    #: A line of at least this many words that ends a sentence is prose.
    prose_min_words: int = 6
    #: A line of at least this many words is prose whatever its ending.
    prose_any_words: int = 30
    #: What one non-prose line inside the window costs, in words of prose.
    gap_penalty: float = 8.0
    #: When the window misses the headline (a line repeating the page title, a dump's first
    #: line with the site name cut off), the best window starting at the headline replaces it
    #: if it scores at least this share of the window's score (0: never).
    title_anchor_min_share: float = 0.3
    #: A headline at most this many lines (kept, or dropped by a rule) above the window is the window's own.
    title_anchor_reach: int = 10
    #: Share of the title's words a line must contain (and the title of its) to be its headline.
    title_anchor_overlap: float = 0.8
    #: A comment-section marker ends the window only after this share of its prose...
    comment_min_share: float = 0.5
    #: ...or, when the window holds this many markers (a thread), after any prose.
    comment_thread_markers: int = 2
    #: The window's tail is a list of teasers, not the article, when it starts at a gap of this
    #: many lines or more after this share of the window's prose, holds at least this many
    #: lines, of which under this share are prose, never two of them in a row (a headline, a
    #: byline, a date and a one-line summary, over and over).
    sparse_tail_min_gap: int = 2
    sparse_tail_after_share: float = 0.35
    sparse_tail_min_lines: int = 8
    sparse_tail_max_prose_share: float = 0.3
    #: This many consecutive lines numbered 1, 2, 3... with two numbers or more each are the
    #: rows of a table (standings, a calendar) and count as prose.
    table_min_rows: int = 5


#: How a line of prose ends: a full stop, a question or exclamation mark, a closing quote or
#: bracket, a colon (a sentence introducing a quote or a list: "The ministry said in a
#: statement:"), or an emoji (a blog's sentence ends with one: "We hope to see you soon 🙂").
_SENTENCE_END: Final = re.compile(r"(?:[.!?…。！？\"”’»):]|[\U0001F300-\U0001FAFF\u2600-\u27BF]\ufe0f?)\s*$")
_NO_SPACE_SCRIPT: Final = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


def _utf8_first_bytes(char_class: re.Pattern[str]) -> tuple[int, ...]:
    """The first bytes of the UTF-8 forms of the characters of ``char_class``, a class of ranges
    (a character's first byte grows with its code point: those of each range's ends and between).

    >>> [hex(byte) for byte in _utf8_first_bytes(re.compile("[\u00e0-\u00ff\u0e00-\u0e7f]"))]
    ['0xc3', '0xe0']
    """
    ((op, items),) = _sre_parse.parse(char_class.pattern)
    assert op is _sre.IN and all(kind is _sre.RANGE for kind, _ in items), char_class.pattern
    return tuple(sorted({byte for _, (low, high) in items
                         for byte in range(chr(low).encode()[0], chr(high).encode()[0] + 1)}))


#: The bytes a character of :data:`_NO_SPACE_SCRIPT` begins with in UTF-8 (a text without any of
#: them has none of its characters).
_NO_SPACE_SCRIPT_FIRST_BYTES: Final = _utf8_first_bytes(_NO_SPACE_SCRIPT)


def _may_hold_no_space_script(utf8: bytes) -> bool:
    """Whether a text (``utf8``, its UTF-8 form) may hold characters of :data:`_NO_SPACE_SCRIPT`: a
    dump's whole text looked at once for the bytes they begin with (by ``memchr``, a few bytes a
    cycle), not each line beyond ASCII searched by the regex (most dumps' have none: curly quotes,
    accents).

    >>> _may_hold_no_space_script("“Café”".encode()), _may_hold_no_space_script("市議会".encode())
    (False, True)
    """
    return any(map(utf8.__contains__, _NO_SPACE_SCRIPT_FIRST_BYTES))


def _word_count(text: str) -> float:
    """Words, counting three characters as a word in scripts written without spaces (none in ASCII).

    >>> _word_count("The storm hit the coast."), _word_count("市議会は火曜日")
    (5.0, 3.3333333333333335)
    """
    dense = 0 if text.isascii() else len(_NO_SPACE_SCRIPT.findall(text))
    return word_count(text) + dense / 3


#: A count in brackets ends no sentence: "Myles Garrett should expect a significant suspension (148)".
_COUNT_END: Final = re.compile(r"\(\s*[\d.,%]+\s*\)\s*$")


def _ends_with_count(text: str) -> bool:
    """:data:`_COUNT_END` at the end of ``text``: looked for only in a text ending with ")" (``\\s``
    is what ``str.rstrip`` strips), not from every "(" of each prose line.

    >>> _ends_with_count("a significant suspension (148) "), _ends_with_count("It ended (in 2019)."), _ends_with_count("(2019)")
    (True, False, True)
    """
    return text.rstrip().endswith(")") and _COUNT_END.search(text) is not None


#: Links closing a line: an embedded post's "… from 2014. https://t.co/hF… pic.twitter.com/KQ…".
_TRAILING_LINKS: Final = re.compile(r"(?:\s+(?:https?://|pic\.twitter\.com/|www\.)\S+)+\s*$")


def _without_trailing_links(text: str) -> str:
    """``text`` without the links that close it, so an embedded post's sentence is judged as one.

    >>> _without_trailing_links("We should not forget the 2014 campaign. https://t.co/hF pic.twitter.com/KQ")
    'We should not forget the 2014 campaign.'
    """
    return _TRAILING_LINKS.sub("", text) if "http" in text or "pic.twitter" in text or "www." in text else text


def _line_value(text: str, config: WindowConfig) -> float:
    text = _without_trailing_links(text)
    words = _word_count(text)
    # an ending is two characters at most (an emoji and its variation selector)
    is_prose = words >= config.prose_any_words or (
        words >= config.prose_min_words and ends_with(_SENTENCE_END, text, reach=2) and not _ends_with_count(text))
    return words if is_prose else -config.gap_penalty


def _line_values(texts: list[str], config: WindowConfig) -> list[float]:
    """:func:`_line_value` of each line, the rows of a ranked table (:func:`ranked_rows`)
    counted as prose: computed once per dump, read by every window search."""
    values = _plain_line_values(texts, config)
    return _as_prose(texts, values, ranked_rows(texts, values, config))


def _plain_line_values(texts: list[str], config: WindowConfig, no_space_script: bool = True) -> list[float]:
    """:func:`_line_value` of each line, an empty one (a line a rule dropped, read as a gap: half
    the lines of a dump) given the value of "" worked out once. Without ``no_space_script`` (the
    caller knows none of the lines holds a character of :data:`_NO_SPACE_SCRIPT`), they are not
    looked for in each line.

    >>> _plain_line_values(["", "Home", ""], WindowConfig())
    [-8.0, -8.0, -8.0]
    >>> _plain_line_values(["市議会は火曜日に新しい予算を承認しました。"], WindowConfig()), _plain_line_values(["“Home”"], WindowConfig(), False)
    ([7.666666666666667], [-8.0])
    """
    empty = _line_value("", config)
    any_words, min_words, gap = config.prose_any_words, config.prose_min_words, -config.gap_penalty
    values = []
    for text in texts:  # _line_value, written out: asked of every kept line of a dump
        if not text:
            values.append(empty)
            continue
        # a link but "www." holds a "/" (looked for first: found at C speed, and in few lines)
        if ("/" in text and ("http" in text or "pic.twitter" in text)) or "www." in text:
            text = _TRAILING_LINKS.sub("", text)
        # _word_count, written out: a float, as its dense characters' share makes it (looked for
        # before they are counted: most lines beyond ASCII have none, a curly quote or an accent)
        # (word_count written out too: kept_word_count of a text short enough to keep)
        words: float = float(kept_word_count(text) if len(text) <= LONGEST_KEPT_COUNT else len(text.split()))
        if no_space_script and not text.isascii() and _NO_SPACE_SCRIPT.search(text) is not None:
            words += len(_NO_SPACE_SCRIPT.findall(text)) / 3
        if words >= any_words:
            values.append(words)
        elif words < min_words:
            values.append(gap)
        else:  # an ending is two characters at most (an emoji and its variation selector)
            stripped = text.rstrip()
            prose = (_SENTENCE_END.search(text, max(0, len(stripped) - 2)) is not None
                     and not (stripped.endswith(")") and _COUNT_END.search(text) is not None))
            values.append(words if prose else gap)
    return values


def _as_prose(texts: list[str], values: list[float], runs: list[range]) -> list[float]:
    """``values`` with the lines of ``runs`` valued as prose (their words)."""
    values = list(values)
    for run in runs:
        for k in run:
            values[k] = _word_count(texts[k])
    return values


_LEADING_NUMBER: Final = re.compile(r"^\W{0,3}(\d{1,3})(?!\d)")
_NUMBER: Final = re.compile(r"(?<![\w.,])\d+(?:[.,:]\d+)*(?:st|nd|rd|th|a|º|ª|%)?(?!\w)")


def ranked_rows(texts: list[str], values: list[float], config: WindowConfig) -> list[range]:
    """Runs of ``table_min_rows`` or more non-prose lines each opening with the number after
    the previous line's and holding two numbers or more: the rows of a ranking, a standings
    table or a calendar, the content of a page without sentences (``values``: the lines'
    :func:`_line_value`).

    >>> ranked_rows(["Pos. Driver Points", "1 Kyle Busch 5040 5", "2 Martin Truex Jr. 5035 7",
    ...              "3 Kevin Harvick 5033 4", "4 Denny Hamlin 5027 6", "5 Joey Logano 2380 2", "About us"],
    ...             [-8.0] * 7, WindowConfig())
    [range(1, 6)]
    """
    # the numbered rows (few): (line, its number), in order; a run is a chain of them, line after line
    # (a line opening with a letter, most of them, is let go before the pattern: a letter is no ``\W`` nor ``\d``)
    rows = [(k, int(match.group(1))) for k, text in enumerate(texts)
            if values[k] < 0 and text and not text[0].isalpha() and (match := _LEADING_NUMBER.match(text))
            and len(_NUMBER.findall(text)) >= 2]
    runs: list[range] = []
    start = 0
    for position, (k, number) in enumerate(rows):
        if position and rows[position - 1] == (k - 1, number - 1):
            continue  # the chain goes on
        if position:
            _close_run(runs, rows[start][0], rows[position - 1][0] + 1, config)
        start = position
    if rows:
        _close_run(runs, rows[start][0], rows[-1][0] + 1, config)
    return runs


def _close_run(runs: list[range], first: int, end: int, config: WindowConfig) -> None:
    """Add the chain of rows [first, end) to ``runs`` when it has ``table_min_rows`` rows or more."""
    if end - first >= config.table_min_rows:
        runs.append(range(first, end))


def main_content_window(texts: list[str], config: WindowConfig = WindowConfig()) -> tuple[int, int, float]:
    """The [start, end) run of lines with the most prose, gaps charged (maximum-sum segment).

    >>> main_content_window(["Home", "News", "This is the first real sentence of the story here.",
    ...     "Menu", "And this is the second real sentence of the story, also long.", "About", "Contact"])
    (2, 5, 14.0)
    """
    return _best_window(_line_values(texts, config))


def _best_window(values: list[float]) -> tuple[int, int, float]:
    """:func:`main_content_window` over the lines' values."""
    best = (0, 0, 0.0)
    start, total = 0, 0.0
    for i, value in enumerate(values):
        if total <= 0:
            start, total = i, 0.0
        total += value
        if total > best[2]:
            best = (start, i + 1, total)
    return best


def window_from(texts: list[str], start: int, config: WindowConfig = WindowConfig()) -> tuple[int, int, float]:
    """The best window that starts at line ``start`` (its headline), and its score.

    >>> window_from(["Home", "Storm Hits Coast", "Residents woke to flooded streets after the storm.", "Menu"], 1)
    (1, 3, 0.0)
    """
    return _window_from(_line_values(texts, config), start)


def _window_from(values: list[float], start: int) -> tuple[int, int, float]:
    """:func:`window_from` over the lines' values."""
    best, total = (start, start + 1, values[start]), 0.0
    for i in range(start, len(values)):
        total += values[i]
        if total > best[2]:
            best = (start, i + 1, total)
    return best


#: Where a comment section starts: a heading or count ("12 comments"), a call to comment, a
#: thread's title ("2 responses to …"), then a commenter's line (:data:`_COMMENTER`).
_COMMENT_HEADING: Final = (
    r"^\W*(?:\d+\s+)?(?:(?:top|top rated|most (?:popular|liked|recent)|latest|reader|readers'?|user)\s+)?"
    r"(?:comments?|responses?|replies|kommentare?|commentaires?|comentarios?)(?:\s*\(\d+\))?\W*$"
    r"|^\W*(?:leave a (?:comment|reply)|add a comment|post a comment|join the (?:discussion|conversation)|kommentar schreiben"
    r"|laisser un commentaire|deja un comentario)\b.{0,40}$"
    r"|^\W*\d+\s+(?:comments?|responses?|replies|thoughts)\s+(?:to|on)\b.{0,160}$"
)
#: A commenter: dated ("Ann on May 1, 2019 at 4:47 pm said:"), or a user name ("user says:").
_COMMENTER: Final = r"^(?:(?=.*\d).{2,80}|\S{2,40})\s(?:said|says|wrote|sagte|schrieb|a dit|a écrit|dijo|escribió)\s*:\s*$"
_COMMENT_MARKER: Final = re.compile(_COMMENT_HEADING + "|" + _COMMENTER, re.I)
#: :data:`_COMMENT_MARKER` for a line not ending with a colon, which no commenter's line does:
#: the commenter's pattern, costly on a long line it fails on, is not tried there.
_COMMENT_HEADING_ONLY: Final = re.compile(_COMMENT_HEADING, re.I)


def _without_counts(heading: str) -> str:
    """``heading`` (:data:`_COMMENT_HEADING`) without its counts (``\\d+\\s+``): what is left begins with literal words.

    >>> _without_counts(r"^\\W*(?:\\d+\\s+)?(?:comments?)|^\\W*\\d+\\s+(?:replies)")
    '^\\\\W*(?:comments?)|^\\\\W*(?:replies)'
    """
    optional, required = r"(?:\d+\s+)?", r"|^\W*\d+\s+"
    assert optional in heading and required in heading, "the heading's counts are written otherwise"
    return heading.replace(optional, "").replace(required, r"|^\W*")


#: The first words (lower case) of a line :data:`_COMMENT_HEADING` matches, but for a count
#: (a number, ``\d+``): a line of prose (most lines of a window) begins with none of them, and is let go
#: without the pattern (its optional groups are the regex engine's slow repeats: ~3,700 instructions a line of prose;
#: the look at the first word costs ~2,000 of them in the pure build: ic.sh 3,200 -> 3,196 M).
_COMMENT_FIRST_WORDS: Final = _known(first_words(_without_counts(_COMMENT_HEADING)))


def is_comment_marker(text: str) -> bool:
    """A line where a comment section starts (:data:`_COMMENT_MARKER`).

    >>> is_comment_marker("12 Comments"), is_comment_marker("Ann on May 1, 2019 at 4:47 pm said:")
    (True, True)
    >>> is_comment_marker("The comments he made were widely shared.")
    False
    """
    # the commenter's pattern ends with a colon and whitespace (what ``str.rstrip`` strips is ``\s``)
    if text.rstrip().endswith(":"):
        return _COMMENT_MARKER.match(text) is not None
    # a heading's first word is a count or one of its words (an ASCII word is compared lower-cased:
    # the regex ignoring case folds only characters beyond ASCII, "ſ" for "s", into ASCII letters)
    first = _first_word(text)
    if first.isascii() and not first.isdecimal() and first.lower() not in _COMMENT_FIRST_WORDS:
        return False
    return _COMMENT_HEADING_ONLY.match(text) is not None


def _comment_cut(texts: list[str], line_values: list[float], start: int, end: int, config: WindowConfig,
                 dropped: Iterable[str] = ()) -> int:
    """Where a comment section begins inside the window, else ``end``: at a marker after most
    of the window's prose, or, when the window holds a thread (``comment_thread_markers`` or
    more markers, counting those among ``dropped``, the lines inside it another rule already dropped,
    such as "[ 167 comments ]"), at its first marker with some prose before it.

    >>> story = ["The council approved the new budget for the schools on Tuesday evening."]
    >>> thread = ["Ann on May 1, 2019 at 4:47 pm said:", "Great post, thanks for writing it up.",
    ...           "Bob on May 2, 2019 at 9:12 am said:", "I disagree with most of what you wrote."]
    >>> _comment_cut(story + thread, _line_values(story + thread, WindowConfig()), 0, 5, WindowConfig())
    1
    """
    markers = [offset for offset, text in enumerate(texts[start:end]) if is_comment_marker(text)]
    if not markers:  # (most windows) no cut, whatever their prose
        return end
    values = list(map(max, line_values[start:end], itertools.repeat(0.0)))  # each line's prose (0 for a gap), in C
    total, seen = sum(values), 0.0
    # (the dropped lines looked at only now: an iterable read only for a window holding a marker)
    thread = (len(markers) >= config.comment_thread_markers
              or len(markers) + sum(map(is_comment_marker, dropped)) >= config.comment_thread_markers)
    for offset, value in enumerate(values):
        if offset in markers and (seen >= config.comment_min_share * total or (thread and seen > 0)):
            return start + offset
        seen += value
    return end


_ANNOUNCES_LIST: Final = re.compile(r"^\W*\w\S*(?:\s+\S+){2,}?.*\w\W{0,2}:\s*$")


def announces_list(text: str) -> bool:
    """A line introducing what follows with a colon, three words or more ("The tour dates:"):
    the title-cased lines below it are the article's own list, not a run of teaser headlines.

    >>> announces_list("The Doobie Brothers 50th Anniversary Tour 2020 dates:"), announces_list("Related:")
    (True, False)
    """
    # The pattern needs a colon and then only whitespace (``\s`` is what ``str.rstrip`` strips):
    # the cheap look first, as the pattern backtracks a lot on a long line it fails on.
    return len(text) < 400 and text.rstrip().endswith(":") and _ANNOUNCES_LIST.match(text) is not None


def _list_below(texts: list[str], end: int) -> tuple[int, int | None]:
    """The window's end stretched over a list its last line, or the line right below it,
    announces (:func:`announces_list`): every line down to the first gap (a line a rule dropped,
    such as a share bar), when there are two or more. Also the announcing line's position.

    >>> _list_below(["The tour dates:", "June 9 -- Tampa, FL", "June 10 -- Atlanta, GA", "", "About us"], 1)
    (3, 0)
    """
    if announces_list(texts[end - 1]):
        intro = end - 1
    elif end < len(texts) and announces_list(texts[end]):
        intro = end
    else:
        return end, None
    last = intro + 1
    while last < len(texts) and texts[last]:
        last += 1
    return (last, intro) if last - intro > 2 else (end, None)


def _sparse_tail(values: list[float], start: int, end: int, config: WindowConfig) -> tuple[int, dict]:
    """Where the window's sparse tail begins (a list of teasers: single prose lines among many
    others, see ``WindowConfig.sparse_tail_*``), else ``end``; and the tail's counts.

    >>> story = [16.0, 18.0, 15.0]
    >>> unit = [-8.0, -8.0, -8.0, 12.0]  # headline, byline, date, one-line summary
    >>> _sparse_tail(story + unit * 3, 0, 15, WindowConfig())
    (3, {'lines': 12, 'prose_lines': 3})
    """
    window = values[start:end]
    prose_words = list(map(max, window, itertools.repeat(0.0)))  # each line's prose (0 for a gap), in C
    total, seen = sum(prose_words), 0.0
    enough = config.sparse_tail_after_share * total
    for offset in range(1, len(window)):
        seen += prose_words[offset - 1]
        if window[offset - 1] <= 0 or window[offset] > 0 or seen < enough:
            continue  # a cut goes where a gap follows prose, after enough of the window's prose
        tail = window[offset:]
        if len(tail) < config.sparse_tail_min_lines or any(v > 0 for v in tail[:config.sparse_tail_min_gap]):
            continue
        prose = sum(v > 0 for v in tail)
        paired = any(a > 0 and b > 0 for a, b in zip(tail, tail[1:]))
        if not paired and prose < config.sparse_tail_max_prose_share * len(tail):
            return start + offset, {"lines": len(tail), "prose_lines": prose}
    return end, {}


#: An author box's heading: "About Brigit Katz", "Sobre Carlos Nadalim", "Über Moritz Bachmann",
#: "About the author" (a name of one to four capitalized words, or the words "the author").
_AUTHOR_BOX: Final = re.compile(
    r"^\W*(?:(?:about|sobre|über|à propos de|acerca de|a proposito di)\s+(?P<name>(?-i:[A-ZÀ-Ý][\w.'’-]+)(?:\s+(?-i:[A-ZÀ-Ý][\w.'’-]+)){0,3})"
    r"|about the author|sobre (?:o|a|el|la) autora?|über (?:den|die) autor(?:in)?|à propos de l'auteur(?:e)?)\W*$",
    re.I,
)


def is_author_box(heading: str, below: str) -> bool:
    """``heading`` heads an author box and ``below`` is the bio: prose naming the author
    (not a section such as "About Time" over the article's next paragraph).

    >>> is_author_box("About Brigit Katz", "Brigit Katz is a freelance writer based in Toronto.")
    True
    >>> is_author_box("About Us", "We are a small team of reporters covering the city since 1998.")
    False
    """
    match = _AUTHOR_BOX.match(heading) if len(heading) < 80 else None
    if match is None or not below:
        return False
    return match["name"] is None or match["name"].split()[-1] in below


def _author_box_cut(texts: list[str], line_values: list[float], start: int, end: int, config: WindowConfig) -> int:
    """Where an author box begins inside the window ("About Brigit Katz" and the author's bio
    below it) after ``comment_min_share`` of its prose, else ``end``.

    >>> lines = ["The council approved the new budget for the schools on Tuesday evening.",
    ...          "Work on the first schools will start in the spring, the mayor said.", "About Jane Doe",
    ...          "Jane Doe is a freelance writer based in Toronto who covers education and city politics."]
    >>> _author_box_cut(lines, _line_values(lines, WindowConfig()), 0, 4, WindowConfig())
    2
    """
    values = list(map(max, line_values[start:end], itertools.repeat(0.0)))  # each line's prose (0 for a gap), in C
    total, seen = sum(values), 0.0
    enough = config.comment_min_share * total
    for line, value in enumerate(values, start):
        # a heading (no prose) after enough prose: its text, and the line below it, looked at only then
        if value == 0 and seen >= enough and (text := texts[line]):
            if is_author_box(text, texts[line + 1] if line + 1 < end else ""):
                return line
        seen += value
    return end


_TITLE_SEPARATOR: Final = re.compile(r"\s+(?:[-–—|:·•»]|::)\s+")
_TITLE_WORD: Final = re.compile(r"\w+")


def page_title_words(first_line: str) -> frozenset[str]:
    """The words of a page title, the site name cut off (the longest part between separators).

    >>> sorted(page_title_words("Son of former president dies - Breaking News - The Post"))
    ['dies', 'former', 'of', 'president', 'son']
    """
    part = max(_TITLE_SEPARATOR.split(first_line), key=len)
    return frozenset(_TITLE_WORD.findall(part.lower()))


def headline_lines(blocks: list[Block], kept_index: list[int], config: WindowConfig) -> list[int]:
    """Positions (in ``kept_index``) of kept lines repeating the page title (the first block's
    text, site name cut off), the first block itself aside.

    >>> lines = [Block("Storm Hits the Coast - The Daily"), Block("Home"), Block("Storm hits the coast")]
    >>> headline_lines(lines, [0, 1, 2], WindowConfig())
    [2]
    """
    if len(blocks) < 2:
        return []
    texts = [blocks[i].text if i and blocks[i].decision is None else "" for i in kept_index]
    return _headline_lines(blocks, kept_index, texts, config)


def _headline_lines(blocks: list[Block], kept_index: list[int], texts: list[str], config: WindowConfig,
                    joined: str | None = None, utf8: bytes | None = None) -> list[int]:
    """:func:`headline_lines` given ``texts``: each kept line's text, "" for a dropped one (the first
    block's, if there, is passed over); ``joined`` and ``utf8``: :func:`_lines_holding_enough`'s."""
    title = page_title_words(blocks[0].text)
    if len(title) < 3:
        return []
    found = []
    may_lack = len(title) - _words_needed(len(title), config.title_anchor_overlap)  # of its words, a headline may lack these
    for k in _lines_holding_enough(texts, title, config.title_anchor_overlap, joined, utf8):
        if kept_index[k] == 0 or blocks[kept_index[k]].decision is not None:
            continue
        lowered = texts[k].lower()
        if _lacks_more(lowered, title, may_lack):
            continue  # each shared word is in the line as text: too few there, no need to cut it into words
        words = frozenset(_TITLE_WORD.findall(lowered))
        shared = len(words & title)
        if shared >= config.title_anchor_overlap * len(title) and shared >= config.title_anchor_overlap * len(words):
            found.append(k)
    return found


def _words_needed(n: int, share: float) -> int:
    """The fewest of ``n`` words that are ``share`` of them, compared as :func:`headline_lines` does
    (``n + 1``: no count is).

    >>> _words_needed(5, 0.8), _words_needed(4, 0.8), _words_needed(3, 1.5)
    (4, 4, 4)
    """
    return next((count for count in range(n + 1) if count >= share * n), n + 1)


def _lacks_more(lowered: str, words: Iterable[str], may_lack: int) -> bool:
    """Whether ``lowered`` lacks (as text) more than ``may_lack`` of ``words``: the words it lacks
    counted in C, up to the one too many (most lines the title's longest words find lack several
    of its words: no need to look for the others).

    >>> _lacks_more("storm hits the coast", ["storm", "hits", "coast", "city"], 1), _lacks_more("storm", ["hits", "coast"], 1)
    (False, True)
    """
    return next(itertools.islice(itertools.filterfalse(lowered.__contains__, words), may_lack, None), None) is not None


#: The characters beyond ASCII whose lower case holds an ASCII letter: "İ" ("i̇") and the Kelvin sign ("k").
_TO_ASCII_LOWER: Final = "\u0130\u212a"


def _lines_holding_enough(texts: list[str], title: frozenset[str], share: float,
                          joined: str | None = None, utf8: bytes | None = None) -> list[int]:
    """The lines (indexes, in order) that may hold ``share`` of the ``title`` words, as text (case
    aside): those holding one of its longest words, found in the whole text at once. A line
    holding ``needed`` of the n words holds one of any n - needed + 1 of them; the other lines
    cannot pass, and are not looked at one by one. ``joined``: the lines joined by line breaks,
    ``utf8``: its UTF-8 form (surrogates passed), if the caller made them.

    >>> _lines_holding_enough(["Home", "Storm hits the coast", "The coast"], frozenset({"storm", "hits", "coast"}), 0.8)
    [1, 2]
    >>> _lines_holding_enough(["“Home”", "Storm hits the coast", "The coast"], frozenset({"storm", "hits", "coast"}), 0.8)
    [1, 2]
    """
    n = len(title)
    needed = _words_needed(n, share)
    if needed > n:
        return []
    joined = "\n".join(texts) if joined is None else joined
    words = sorted(title, key=lambda word: (-len(word), word))[: n - needed + 1]
    if needed and not joined.isascii() and all(map(str.isascii, words)) and not any(map(joined.__contains__, _TO_ASCII_LOWER)):
        # ASCII words, and no letter beyond ASCII lowered into one: the words are looked for in the
        # text's UTF-8 bytes lowered (ASCII letters only), where the same lines hold them, at a
        # tenth of the cost of lowering a text beyond ASCII (most dumps: a curly quote is enough)
        utf8 = joined.encode("utf-8", "surrogatepass") if utf8 is None else utf8
        return _lines_finding(utf8.lower(), [w.encode() for w in words], b"\n")
    lowered = joined.lower()
    if needed == 0 or len(lowered) != len(joined):  # a character whose lower case is longer ("İ"): no offsets
        return list(range(len(texts)))
    return _lines_finding(lowered, words, "\n")


def _lines_finding(lowered: Any, words: list[Any], line_break: Any) -> list[int]:
    r"""The lines (indexes, in order) of ``lowered``, parted by ``line_break``, that hold one of ``words``:
    all ``str`` or all ``bytes`` (typed ``Any``: the mypy that compiles the build rejects ``AnyStr`` here).

    >>> _lines_finding("home\nstorm hits\nthe coast", ["coast", "storm"], "\n"), _lines_finding(b"a\nb", [b"b"], b"\n")
    ([1, 2], [1])
    """
    lines = set()
    for word in words:
        # each place the word is found, in order: its line is the number of line breaks before it
        line, counted = 0, 0
        at = lowered.find(word)
        while at != -1:
            line += lowered.count(line_break, counted, at)
            counted = at
            lines.add(line)
            at = lowered.find(word, at + 1)
    return sorted(lines)


def _anchored_window(values: list[float], window: tuple[int, int, float], headlines: list[int],
                     config: WindowConfig) -> tuple[tuple[int, int, float], int | None]:
    """The window, or the best one starting at a headline when the window holds none
    (``values``: the lines' :func:`_line_value`)."""
    start, end, score = window
    if (not config.title_anchor_min_share or not headlines
            or any(start - config.title_anchor_reach <= k < end for k in headlines)):
        return window, None  # no headline, or the window is under it already
    anchored = max((_window_from(values, k) for k in headlines), key=lambda w: w[2])
    overlaps = anchored[0] < end and start < anchored[1]  # it only stretches the window up to a far headline
    if not overlaps and anchored[2] >= config.title_anchor_min_share * score:
        return anchored, anchored[0]
    return window, None


def mark_outside_main_content(blocks: Iterable[Block], config: WindowConfig = WindowConfig()) -> list[Block]:
    """Mark kept blocks before and after the main content window dropped (rule ``outside_main_content``).

    The window applies only to page dumps: text in which some line already matched a
    boilerplate rule. Clean article text is left whole. Lines a rule dropped take part in the
    search as gaps (non-prose lines): the page's chrome between two stretches of prose parts them.

    >>> blocks = [Block(t) for t in ["Home", "A long first sentence of the story that goes on and on.", "About us"]]
    >>> mark_outside_main_content(blocks) == blocks
    True
    >>> blocks = mark_boilerplate(blocks)
    >>> [b.decision.evidence["rule"] if b.decision else "kept" for b in mark_outside_main_content(blocks)]
    ['navigation', 'kept', 'outside_main_content']
    """
    out = list(blocks)
    if not any(b.decision is not None and b.decision.step == STEP for b in out):
        return out  # no leftover of a page anywhere: clean article text, not a page dump
    # The lines searched: kept ones, and those a rule above dropped, read as empty (a gap: a
    # share bar or a "Related" label between the story and a list of teasers still parts them).
    kept_index = [i for i, b in enumerate(out) if b.decision is None or b.decision.step == STEP]
    texts = [out[i].text if out[i].decision is None else "" for i in kept_index]
    # the lines as one text, and its UTF-8 form: looked at once for a no-space script's characters
    # (few dumps hold any) and for the title's words
    joined = "\n".join(texts)
    utf8 = None if joined.isascii() else joined.encode("utf-8", "surrogatepass")
    values = _plain_line_values(texts, config, utf8 is not None and _may_hold_no_space_script(utf8))
    tables = ranked_rows(texts, values, config)
    values = _as_prose(texts, values, tables)
    headlines = _headline_lines(out, kept_index, texts, config, joined, utf8) if len(out) > 1 else []
    window, headline = _anchored_window(values, _best_window(values), headlines, config)
    start, end, score = window
    if end == 0:
        return out
    end, list_intro = _list_below(texts, end)
    span = range(kept_index[start], kept_index[end - 1] + 1)
    dropped = (out[i].text for i in span if out[i].decision is not None)
    cut = _comment_cut(texts, values, start, end, config, dropped)
    bio = _author_box_cut(texts, values, start, cut, config)
    # above the comments and the author box, a tail of teasers (an announced list at the end is the article's)
    tail, tail_counts = _sparse_tail(values, start, bio, config) if list_intro is None else (bio, {})
    inside = [i for i in kept_index[start:tail] if out[i].decision is None]
    window_lines = [inside[0], inside[-1]]
    window_score = round(score, 1)
    anchor: dict[str, Any] = {} if headline is None else {"under_headline": kept_index[headline]}
    # the rows of a ranked table the window holds, counted as its prose
    rows = [[kept_index[run[0]], kept_index[run[-1]]] for run in tables if start <= run[0] and run[-1] < tail]
    anchor.update({"table_rows": rows} if rows else {})
    # the lines outside the window share one Decision per side (most lines of a dump)
    after: dict[str, Any] = {"side": "after"} if list_intro is None else {"side": "after", "list_after": kept_index[list_intro]}
    outside = {before: Decision(STEP, Reason.BOILERPLATE, {"rule": "outside_main_content", "window": window_lines,
                                                           "window_score": window_score, **side, **anchor})
               for before, side in ((True, {"side": "before"}), (False, after))}
    # start <= tail <= bio <= cut <= end: the lines of [start, tail) are the window's, kept; the
    # others are looked at (a dropped block's drop and dropped_by give it back as it is)
    for decision, indexes in ((outside[True], kept_index[:start]), (outside[False], kept_index[end:])):
        for i in indexes:
            block = out[i]
            if block.decision is None:  # block.dropped_by(decision), written out: most lines of a dump
                out[i] = block._with_decision(decision)
    for k in range(tail, end):
        i = kept_index[k]
        if out[i].decision is not None:
            continue
        if k >= cut:
            out[i] = out[i].drop(STEP, Reason.BOILERPLATE, rule="comment_section", marker=texts[cut], window=window_lines)
        elif k >= bio:
            out[i] = out[i].drop(STEP, Reason.BOILERPLATE, rule="author_box", heading=texts[bio], window=window_lines)
        else:
            out[i] = out[i].drop(STEP, Reason.BOILERPLATE, rule="sparse_tail", window=window_lines, **tail_counts)
    return out
