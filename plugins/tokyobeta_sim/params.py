"""The volumes and rates of the simulated operator (production scale = scale 1.0)."""

from __future__ import annotations

from dataclasses import dataclass

# movings.moving_agreement_type (code_contract_type.csv) -> share of new contracts.
AGREEMENT_WEIGHTS: dict[int, float] = {1: 45, 7: 20, 9: 4, 6: 8, 2: 11, 3: 7, 0: 2, 4: 1, 5: 1, 8: 1}
# Contract term in months by agreement type: a renewal starts a new moving when the term runs out.
TERM_MONTHS: dict[int, int] = {1: 24, 7: 24, 9: 24, 0: 24, 8: 24, 6: 12, 2: 12, 3: 12, 4: 12, 5: 12}
# tenants.contract_type is a legacy column consolidated by the source: deliberately unrelated to the tenant type.
LEGACY_CONTRACT_TYPES = (0, 1, 1, 1, 2, 3)
# code_moveout_reason codes given with a move-out notice.
MOVEOUT_REASONS = (1, 1, 2, 2, 3, 3, 4, 5, 6, 7, 7, 0)


@dataclass(frozen=True)
class Params:
    scale: float = 1.0
    apartments: int = 700
    rooms: int = 16_100
    occupancy: float = 0.70
    moveouts_per_month: float = 485.0  # steady state: move-ins match it on average
    transfers_per_month: float = 40.0
    inquiries_per_day: float = 70.0
    cancel_share: float = 0.10  # of applications
    turnover_share: float = 0.12  # of applications that try to take a room on its occupant's move-out day
    returning_share: float = 0.07  # of applications made by former tenants
    history_days: int = 345  # contracts that ended this long before the warm-up start were never migrated
    warmup_days: int = 90  # simulated before the first dump so that every kind of event is in flight
    renewal_lead_days: int = 20  # a renewal is arranged this long before its start date
    orphan_movings: int = 30
    orphan_chance_per_day: float = 0.05
    new_property_every_days: float = 120.0
    inquiry_shelf_days: int = 60  # an inquiry older than this no longer turns into a tenant

    @property
    def n_apartments(self) -> int:
        return max(2, round(self.apartments * self.scale))

    @property
    def n_rooms(self) -> int:
        return max(4 * self.n_apartments, round(self.rooms * self.scale))

    @property
    def notice_hazard(self) -> float:
        """Daily chance that an occupant gives notice."""
        return self.moveouts_per_month / 30.0 / (self.rooms * self.occupancy)

    @property
    def transfer_hazard(self) -> float:
        return self.transfers_per_month / 30.0 / (self.rooms * self.occupancy)

    @property
    def mean_stay_days(self) -> float:
        return 1.0 / self.notice_hazard

    @property
    def mean_vacancy_days(self) -> float:
        return self.mean_stay_days * (1.0 - self.occupancy) / self.occupancy
