"""Enumerations of the peer package."""
from openfisca_core.indexed_enums import Enum


class Industry(Enum):
    manufacturing = "制造业 / manufacturing"
    mining = "采矿业 / mining"
    utilities = "电力、热力、燃气及水生产和供应业 / utilities"
    other = "其他 / other"
