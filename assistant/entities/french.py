"""Quebec French words in an English question, as English: a small lexicon, not a French reader.

Montreal managers ask in Quebec French with English warehouse words: 'combien de bagues on a
dans la voûte là?', "y'a-tu du shrinkage au bin A01-01-3R?", 'mets le lot G-6253 on hold'. As
:mod:`assistant.entities.spanish` does, this reads them as English in the normalised text (intent
models and slots alike), only when a word no English question uses is there ('combien', 'où',
"c'est", 'bagues', 'voûte', 'semaine', 'pis', …; never 'on', 'a', 'la', 'or', 'des'); 'or' is
gold only after 'en' or "d'" or before a colour or a karat, and English words (on hold, pick,
stock) stay. Quebec yes, no and wait are read by assistant/actions/answers.py.
"""

from __future__ import annotations

import re

from assistant.entities.spanish import lexicon_patterns, read_by_lexicon

__all__ = ["english_of_french"]

#: Words that mark a question as Quebec French (none is an English question's).
_MARKERS = re.compile(
    r"(?<![\w'-])(?:combien|où|qui|quoi|quels?|quelles?|lesquel(?:le)?s|c'est|qu'est-ce|qu'on|y'a"
    r"|y'a-tu|y'en|bagues?|colliers?|boucles?|joncs?|pendentifs?|cha[îi]nes?|vo[ûu]te|coffre"
    r"|l'entrep[ôo]t|tablettes?|commandes?|fournisseurs?|semaine|mois|mois-ci|ann[ée]e|l'ann[ée]e"
    r"|ce trimestre|trimestre pass[ée]|aujourd'hui|d'aujourd'hui|hier|pis|pantoute|icitte|svp"
    r"|vendu[es]*|vendent|ventes|pertes?|dans|avec|depuis|chez|cette|sont|notre|alertes?|l'alerte"
    r"|caméra|pièces?|morceaux?|écarts|ajustements|qualité|valeur|platine|baie|fais|mets|mets-le"
    r"|montre-moi|alloue)(?![\w'-])")
#: French phrases and words as English ('=' between, ', ' after each), in order: longer first.
_LEXICON = (
    # periods, phrases with an elision, the elisions ('l âge': normalising drops "'" before 'â')
    r"(?:la )?semaine (?:pass[ée]e|derni[èe]re)=last week, cette semaine=this week,"
    r" (?:le )?mois (?:pass[ée]|dernier)=last month, ce mois(?:-ci)?=this month,"
    r" (?:l')?ann[ée]e (?:pass[ée]e|derni[èe]re)=last year, cette ann[ée]e=this year,"
    r" (?:le )?trimestre (?:pass[ée]|dernier)=last quarter, ce trimestre=this quarter,"
    r" (?:les )?(\d+) derniers jours=last \1 days, (?:d')?aujourd'hui=today,"
    r" hier(?: soir)?=yesterday, en ce moment|tout de suite=right now,"
    r" boucles? d'oreilles?=earrings, écarts? d'inventaire=count variances,"
    r" (?:d')?or rose=rose gold, (?:d')?or blanc=white gold, (?:d')?or jaune=yellow gold,"
    r" d'or|de l'or=of gold, qu'est-ce qu'on devrait=what should we, qu'est-ce (?:qui|que)=what,"
    r" qu'est-ce qu'on a=what do we have, est-ce qu'on a(?: du| des)?=do we have,"
    r" qu'est-ce|c'est quoi=what is, c'est qui=who is, c'est=it is, c'était|c était=it was,"
    r" y'a-tu eu(?: du| des)?=were there, y'en a-tu|y en a-t-il=are there any,"
    r" y'a rien=there is nothing, y'a-tu(?: du| des)?|y a-t-il|y'a=is there,"
    r" s'il vous pla[îi]t|svp=please, qu'on a=that we have, qu'on=that we, jusqu'au=to the,"
    r" quelqu'un=someone, à l'heure=per hour, (\w+)-moi=\1 me, (\w+)-là=\1,"
    r" l'([\w-]+)|l(?= [àâéèêîôû])=the \1, d'([\w-]+)|d(?= [àâéèêîôû])=of \1, n'([\w-]+)=\1,"
    # reports, verbs, question words, fillers ('ben', 'là', 'icitte'), then single words
    r" (?<=en )or|(?<!\dk )or(?= \d+ ?k)=gold, alerte(s?) caméras?=camera alert\1,"
    r" (?:se )?(?:sont |ont )?(?:le |la |les )?plus vendu[es]*=best selling,"
    r" (?:a )?jamais vendu[es]*=never sold, (?:a )?été pické[es]*=was picked,"
    r" on est où=where are we, il a été où=where was it, on a=we have, a été=was, a fait=did,"
    r" a(?= \w+é[es]{0,2}(?![\w'-]))=has, (re-)?checker=\1check,"
    r" (pick|shipp?|fail|checke?|scann?|book|releas|count|perform)é[es]*=\1ed,"
    r" ^qui|(?<=par )qui|(?<=de )qui=who, ^des=any, boutons? de manchettes?=cufflinks,"
    r" en retard=late, (?:part|partent|sort|sortent) le plus vite=moves fastest,"
    r" (?:top|meilleures) ventes=best sellers, rotation (?:de|du|des) stocks?=stock turnover,"
    r" en commande=on order, en attente=pending, (?:ne )?bouge(?:nt)? pas=not moving,"
    r" au co[ûu]t=at cost, bons? de commande=purchase order,"
    r" qualité (?:des |du )?fournisseurs?=supplier quality, combien vaut=what is the value of,"
    r" combien commander=how much to order, on devrait=we should, si on faisait=if we did,"
    r" on le fait pas=we don't, il nous reste=we have left, depuis combien de temps=how long,"
    r" combien(?: de)?=how many, où est=where is, où sont=where are, où=where, qui=that,"
    r" pas encore=not yet, depuis longtemps=for a long time, du hold=from hold, un peu=a little,"
    r" plus proche (?:du|de la|des)=closer to, à partir (?:du|de la|des|de)=from the,"
    r" pour de vrai=for real, (?:ben )?plus que=more than, ben|là|icitte|tiguidou|quand même=,"
    r" bague(s?)=ring\1, collier(s?)=necklace\1, jonc(s?)=bangle\1, pendentif(s?)=pendant\1,"
    r" broche=brooch, broches=brooches, cha[îi]ne(s?)=chain\1, pi[èe]ce(s?)=piece\1, morceau=piece,"
    r" morceaux=pieces, (?<!mon )(?<!ton )argent=silver, platine=platinum, vo[ûu]te|coffre=vault,"
    r" réserve=reserve, entrep[ôo]t=warehouse, tablette=shelf, tablettes=shelves, baie=bay,"
    r" taille=size, vendu[es]*=sold, vendent=sell, vente(s?)=sale\1, lentement=slowly,"
    r" commandes=orders, commander?=order, reçu[es]*=received, réception=receiving,"
    r" qualité=quality, fournisseur(s?)=supplier\1, pertes=losses, perte=loss, valeur=value,"
    r" écart(s?)=variance\1, ajustement(s?)=adjustment\1, alerte(s?)=alert\1, échoué|failé=failed,"
    r" vérifié=checked, perdu=lost, dépassé=missed, rangé[es]*=stored, tracé[es]*=traced,"
    r" (?:est )?rentré=came in, mets-le=put it, mets=put, fais=make, montre=show,"
    r" alloue(?: du| des)?=allocate, ouvre=open, lance=start, bloque=block, bouger=move,"
    r" traîne=sits, faut=need to, nombre|numéro=number, historique=history,"
    r" mouvement(s?)=movement\1, âge=age, jours=days, achats=purchases, ouvertes?=open,"
    r" rapides?=fast, zéro=zero, quoi=what, comment=how, lesquel(?:le)?s|quel(?:le)?s?=which, je=i,"
    r" pis|et=and, ou=or, pas=not, jamais=never, depuis(?: que)?=since, sans=without, pour=for,"
    r" dans=in, sur=on, avec=with, chez=from, par=by, selon=per, au|aux=at the, à=to, en=in,"
    r" est=is, sont=are, ont=have, étaient=were, était=was, notre=our, son|sa|ses=its,"
    r" leurs?=their, du|des=of the, le|la|les=the, de=of, une?=a, cet|cette|ce=this, ces=these,"
    r" toute?s?|tous=all, chaque=every, celui|celle=the one, ceux|celles=those, juste=just,"
    r" encore=still, plus=more, que=that, pantoute=at all, merci=thanks"
)
_PATTERNS = lexicon_patterns(tuple((french, english) for french, english in
                                   (pair.rsplit("=", 1) for pair in _LEXICON.split(", "))))


def english_of_french(words: str) -> str:
    """Normalised English words with a Quebec French question's French words in English
    ('combien de bagues on a dans la voûte là' -> 'how many rings we have in the vault'); any
    other text as it is, and a message of nothing else kept as it is."""
    return read_by_lexicon(words, _MARKERS, _PATTERNS)
