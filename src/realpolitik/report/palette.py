"""Which colour each actor gets in a chart: one per actor, or one per bloc when the scenario has blocs.

Without blocs, actors take Kelly's colours in the scenario's actor order (twenty actors,
twenty hues). When any actor names a ``bloc`` (:attr:`realpolitik.scenario.Actor.bloc`),
every bloc takes one of Kelly's colours in the order the blocs first appear among the
actors, and actors in no bloc are drawn in a neutral grey, so that the colours say who
stands with whom and the legend names the blocs. Kelly's own grey is left out of the
blocs' colours, so that grey means "no bloc" only.

Source of the colours: K. L. Kelly, "Twenty-two colors of maximum contrast", Color
Engineering 3(6), 1965, less white and black, the darkest and most saturated first so that
small scenarios get the most distinct ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

#: Actor colours in actor order: Kelly's colours of maximum contrast less white and black.
ACTOR_COLOURS = (
    "#0067a5", "#be0032", "#008856", "#f38400", "#875692", "#882d17", "#e68fac", "#2b3d26", "#a1caf1", "#f6a600",
    "#604e97", "#8db600", "#b3446c", "#654522", "#e25822", "#848482", "#c2b280", "#f99379", "#dcd300", "#f3c300",
)
#: Kelly's grey, kept for actors in no bloc.
_KELLY_GREY = "#848482"
#: Bloc colours in order of first appearance: Kelly's colours less their grey.
BLOC_COLOURS = tuple(colour for colour in ACTOR_COLOURS if colour != _KELLY_GREY)
#: The colour of an actor in no bloc when the scenario has blocs.
NO_BLOC_COLOUR = "#a3a3a3"
#: The colour of a name the palette does not know (an actor outside the scenario).
UNKNOWN_COLOUR = "#555555"
#: How the legend names the actors in no bloc.
NO_BLOC = "no bloc"


def actor_colour(index: int) -> str:
    """The colour of the actor at ``index`` in the scenario's actor order (without blocs)."""
    return ACTOR_COLOURS[index % len(ACTOR_COLOURS)]


@dataclass(frozen=True)
class ActorPalette:
    """Each actor's colour and bloc: ``actors`` in the scenario's order, ``blocs`` by actor (None: no bloc).

    ``by_bloc`` is true when any actor has a bloc: then actors are coloured by bloc.
    """

    actors: tuple[str, ...]
    blocs: dict[str, str | None]

    @classmethod
    def of(cls, actors: Iterable[tuple[str, str | None]]) -> ActorPalette:
        """From ``(name, bloc)`` pairs in the scenario's actor order."""
        pairs = list(actors)
        return cls(tuple(name for name, _ in pairs), dict(pairs))

    @classmethod
    def of_scenario(cls, scenario: Any) -> ActorPalette:
        """From a :class:`realpolitik.scenario.Scenario`."""
        return cls.of((actor.name, actor.bloc) for actor in scenario.actors)

    @cached_property
    def by_bloc(self) -> bool:
        return any(bloc is not None for bloc in self.blocs.values())

    @cached_property
    def bloc_names(self) -> tuple[str, ...]:
        """The blocs in the order they first appear among the actors."""
        return tuple(dict.fromkeys(bloc for bloc in (self.blocs[name] for name in self.actors) if bloc is not None))

    @cached_property
    def _bloc_index(self) -> dict[str, int]:
        return {bloc: index for index, bloc in enumerate(self.bloc_names)}

    @cached_property
    def _colours(self) -> dict[str, str]:
        if self.by_bloc:
            return {name: self.bloc_colour(self.blocs[name]) for name in self.actors}
        return {name: actor_colour(index) for index, name in enumerate(self.actors)}

    def bloc_colour(self, bloc: str | None) -> str:
        """The colour of ``bloc`` (grey for None)."""
        if bloc is None:
            return NO_BLOC_COLOUR
        return BLOC_COLOURS[self._bloc_index[bloc] % len(BLOC_COLOURS)]

    def colour(self, name: str) -> str:
        """The colour of actor ``name``: its bloc's when the scenario has blocs, else its own."""
        return self._colours.get(name, UNKNOWN_COLOUR)

    def bloc(self, name: str) -> str | None:
        """The bloc of actor ``name`` (None: none, or not an actor of the scenario)."""
        return self.blocs.get(name)

    def group(self, name: str) -> str:
        """The legend group of actor ``name``: its bloc, or :data:`NO_BLOC`."""
        return self.blocs.get(name) or NO_BLOC

    def legend(self) -> list[tuple[str, str]]:
        """``(bloc, colour)`` for each bloc in order of first appearance, then ``(no bloc, grey)`` when some
        actor has none; empty without blocs."""
        if not self.by_bloc:
            return []
        entries = [(bloc, self.bloc_colour(bloc)) for bloc in self.bloc_names]
        if any(bloc is None for bloc in self.blocs.values()):
            entries.append((NO_BLOC, NO_BLOC_COLOUR))
        return entries


def actor_palette(actors: ActorPalette | Sequence[str]) -> ActorPalette:
    """``actors`` as a palette: a palette as it is, a list of names as actors without blocs."""
    if isinstance(actors, ActorPalette):
        return actors
    return ActorPalette.of((name, None) for name in actors)
