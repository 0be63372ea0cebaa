"""Quebec French words in an English question read as English (assistant/entities/french.py):
periods, goods and metals, places, reports, question words and fillers, read only when a word no
English question uses is there; English questions ('gold or silver rings', 'on hold', 'la county')
are left as they are. The function alone, on normalised words: no model is loaded."""

from __future__ import annotations

import pytest

from assistant.entities.french import english_of_french


@pytest.mark.parametrize(("words", "english"), [
    # periods
    ("quelles commandes étaient en retard la semaine passée", "which orders were late last week"),
    ("c'est quoi nos best sellers cette semaine", "what is nos best sellers this week"),
    ("les joncs qui vendent lentement le mois passé ceux qui ont vendu un peu quand même",
     "the bangles that sell slowly last month those that have sold a little"),
    ("slow movers ce mois-ci", "slow movers this month"),
    ("slow movers d'arezzo cette année", "slow movers of arezzo this year"),
    ("qualité des fournisseurs pour les bagues l'année passée",
     "supplier quality for the rings last year"),
    ("c'est quoi le turnover des bagues 18k ce trimestre",
     "what is the turnover of the rings 18k this quarter"),
    ("écarts le trimestre dernier", "variances last quarter"),
    ("les alertes caméra d'aujourd'hui", "the camera alerts today"),
    ("performance des pickers aujourd'hui", "performance of the pickers today"),
    ("les commandes qui ont dépassé leur date hier soir",
     "the orders that have missed their date yesterday"),
    ("top ventes les 30 derniers jours", "best sellers last 30 days"),
    # goods and metals: 'or' is gold after 'en' or "d'", before a colour or a karat
    ("c'est quoi le nombre de pièces en or rose qu'on a icitte",
     "what is the number of pieces in rose gold that we have"),
    ("les lots d'or qui ont failé l'inspection le mois passé",
     "the lots of gold that have failed the inspection last month"),
    ("combien de bagues or blanc", "how many rings white gold"),
    ("combien de colliers or 18k", "how many necklaces gold 18k"),
    ("combien de bagues en argent ou en platine", "how many rings in silver or in platinum"),
    ("dead stock dans les boucles d'oreilles d'antwerp", "dead stock in the earrings of antwerp"),
    ("mets le lot g-6253 on hold y'a une plainte sur les boutons de manchette",
     "put the lot g-6253 on hold is there a plainte on the cufflinks"),
    ("depuis combien de temps les broches sont dans l'entrepôt",
     "how long the brooches are in the warehouse"),
    ("combien de pendentifs pis de chaînes", "how many pendants and of chains"),
    ("fais un draft de po chez jaipur pour 30 morceaux",
     "make a draft of po from jaipur for 30 pieces"),
    # places
    ("combien de bagues on a dans la voûte là", "how many rings we have in the vault"),
    ("c'est quoi la valeur au coût du stock de la voûte",
     "what is the value at cost of the stock of the vault"),
    ("pis dans la réserve", "and in the reserve"),
    ("où est fc0000130 là sur la tablette", "where is fc0000130 on the shelf"),
    ("où est le lot g-8909 les bagues sont dans quel bin",
     "where is the lot g-8909 the rings are in which bin"),
    ("y'a-tu du shrinkage au bin a01-01-3r", "is there shrinkage at the bin a01-01-3r"),
    # reports and verbs
    ("quels colliers se sont le plus vendus l'année passée",
     "which necklaces best selling last year"),
    ("qu'est-ce qui a jamais vendu pantoute", "what never sold at all"),
    ("qu'est-ce qui est en commande chez jaipur pis pas encore reçu",
     "what is on order from jaipur and not yet received"),
    ("st0014-au750y y'en a-tu en commande chez le fournisseur",
     "st0014-au750y are there any on order from the supplier"),
    ("combien on a perdu en write-offs pis ajustements le mois passé",
     "how many we have lost in write-offs and adjustments last month"),
    ("les écarts d'inventaire de la semaine passée", "the count variances of last week"),
    ("rotation de stock pour jaipur l'année passée en jours de stock",
     "stock turnover for jaipur last year in days of stock"),
    ("y'a-tu eu des alertes caméra dans la réserve", "were there camera alerts in the reserve"),
    ("acknowledge l'alerte numéro 5", "acknowledge the alert number 5"),
    ("les pertes pis la valeur", "the losses and the value"),
    ("combien vaut le stock de valenza", "what is the value of the stock of valenza"),
    ("qui a pické la commande mar-261113-67015", "who has picked the order mar-261113-67015"),
    ("fc0000290 a été pické par qui", "fc0000290 was picked by who"),
    ("release g-2311 du hold on a vérifié les joncs pis y'a rien",
     "release g-2311 from hold we have checked the bangles and there is nothing"),
    ("mets g-3509 on hold faut re-checker les bagues",
     "put g-3509 on hold need to re-check the rings"),
    ("les commandes pas encore shippées c'est lesquelles",
     "the orders not yet shipped it is which"),
    # question words and fillers
    ("ben checker combien de st0005-au999y-s il nous reste en stock",
     "check how many st0005-au999y-s we have left in stock"),
    ("how many boucles d'oreilles 14k on a en ce moment",
     "how many earrings 14k we have right now"),
    ("qu'est-ce qu'on devrait commander en colliers", "what should we order in necklaces"),
    ("est-ce qu'on a des bagues en or jaune", "do we have rings in yellow gold"),
    ("fc0000209 il a été où ce morceau-là", "fc0000209 where was it this piece"),
    ("on est où avec les achats chez arezzo", "where are we with the purchases from arezzo"),
    ("recall preview pour g-2311 svp", "recall preview for g-2311 please"),
    ("valeur de la voûte s'il vous plaît merci", "value of the vault please thanks"),
    ("bagues icitte tiguidou", "rings"),
    # normalising drops an apostrophe before 'â' or 'é' ('l âge', 'c était')
    ("l âge de st0003-au750y-5 en stock depuis que son lot est rentré",
     "the age of st0003-au750y-5 in stock since its lot came in"),
    ("acknowledge l'alerte 2 c était juste le test",
     "acknowledge the alert 2 it was just the test"),
])
def test_quebec_french_words_are_read_as_english(words: str, english: str) -> None:
    assert english_of_french(words) == english


@pytest.mark.parametrize("words", [
    # English questions: no word marks them French, so 'on', 'a', 'or', 'la', 'des' stay
    "gold or silver rings", "put lot g-2311 on hold", "which lots are on hold",
    "orders for la county", "orders from des moines", "des picked what yesterday",
    "what did ben pick today", "pick performance this month", "stock value on a date",
    "total value of the vault", "late orders in the last minute", "count bin a01-02-3l",
    "report for lot g-2128", "dispatch report a minute ago", "a ring or a pendant",
    "how many nos of orders still open", "orders due by 5pm est", "14k or 18k necklaces",
    "de stock in de vault", "le bin a01-02", "release le lot g-9106",
    "start a cycle count on a01-04", "any st0006-au999y-42cm on order",
    "rotation of stock in the reserve", "broches de plata este trimestre",
    # a yes, a no and a wait in Quebec French are the answers' to read
    "oui vas-y", "non laisse faire", "attends une seconde", "ben là",
])
def test_english_questions_are_left_as_they_are(words: str) -> None:
    assert english_of_french(words) == words


@pytest.mark.parametrize(("words", "english"), [
    # once a word marks the question French, its English words stay English
    ("combien de bagues gold or silver", "how many rings gold or silver"),
    ("combien de bagues 14k or 18k", "how many rings 14k or 18k"),
    ("anomalies dans le pick cette semaine", "anomalies in the pick this week"),
    ("mets-le on hold svp", "put it on hold please"),
    ("bloque le lot g-1068 mets-le on hold", "block the lot g-1068 put it on hold"),
    ("réserve le stock pour la commande mar-261125-08461",
     "reserve the stock for the order mar-261125-08461"),
    ("combien de commandes sont encore ouvertes ou en picking",
     "how many orders are still open or in picking"),
])
def test_english_words_in_a_french_question_stay(words: str, english: str) -> None:
    assert english_of_french(words) == english


@pytest.mark.parametrize("words", ["icitte", "ben là icitte", "icitte là tiguidou"])
def test_a_message_of_nothing_else_is_kept(words: str) -> None:
    assert english_of_french(words) == words
