"""Running an edition's audit checks (data/<year>/checks.yaml) and the record of what each one checked.

A check compares what the report states (its subject: stated numbers, table cells) with what the data give
(its counterparts: a recomputation, the same number stated elsewhere, each reading of an unexplained rate).
It records the stated numbers it *verifies* (those of its subject) and those it *reads* as inputs (everything
else its expressions read), so the verdict shown beside any number of the book is derived from this record
(`Ledger.relations`), never matched by name. Declarations are read by jzreport.audit.declarations; the
expressions are evaluated by jzreport.audit.expressions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from jzreport.audit.declarations import Declaration, DeclarationError, declarations
from jzreport.audit.expressions import Data, ExpressionError, Scope, Text, reads_of
from jzreport.audit.values import Number, Ref
from jzreport.audit.verdicts import (
    ASSUMED_SAME,
    CONSISTENT,
    INCONSISTENT,
    NOT_DERIVABLE,
    QUALIFIER_MARK,
    Verdict,
    compare,
    same_values,
)
from jzreport.datapackage.load import DataPackage, Fact
from jzreport.present.formatting import fmt_number

VERIFIES, READS = "verifies", "reads"


def anchor_of(check_id: str) -> str:
    """A check's own anchor on the audit page (its row in the audit tables): "A1-06" -> "audit-a1-06"."""
    return "audit-" + check_id.lower()


@dataclass(frozen=True)
class Counterpart:
    """What a stated value is compared with: a value the data give, and where it stands (or how it was read)."""

    place: str
    number: Number | None
    verdict: Verdict
    shown: str  # the value with its arithmetic, at the stated value's precision

    @property
    def described(self) -> str:
        return f"{self.shown}（{self.place}）" if self.place else self.shown


@dataclass(frozen=True)
class Check:
    """One audited claim: its subject, its counterparts, the verdict and what it verified and read."""

    id: str
    group: str
    claim: str
    kind: str  # "compare", "readings" or "same"
    where: str
    stated: str
    counterparts: tuple[Counterpart, ...]
    verdict: Verdict
    basis: str
    assumptions: tuple[str, ...]
    notes: tuple[str, ...]
    subject: tuple[Ref, ...]
    verifies: frozenset[Ref]
    reads: frozenset[Ref]
    declared_at: str

    @property
    def anchor(self) -> str:
        return anchor_of(self.id)

    @property
    def recomputed(self) -> str:
        if self.kind == "same":
            values = sorted({c.shown for c in self.counterparts})
            return f"{len(values)} 种写法：{'、'.join(values)}"
        if not self.counterparts:
            return "—"
        if len(self.counterparts) == 1 and self.kind == "compare":
            return self.counterparts[0].shown
        return "；".join(c.described for c in self.counterparts)

    @property
    def explanation(self) -> str:
        return self.basis + "".join(self.notes) + "".join(f"假定：{a}。" for a in self.assumptions)

    @property
    def contradicts(self) -> list[dict[str, str]]:
        """Every value the stated value disagrees with, and where it stands."""
        if self.verdict.status != INCONSISTENT:
            return []
        if self.kind == "same":
            return [{"value": c.shown, "place": c.place} for c in self.counterparts]
        return [{"value": c.shown, "place": c.place} for c in self.counterparts if c.verdict.status == INCONSISTENT]

    @property
    def summary(self) -> str:
        """The check in one line, for the verdict shown beside a number it reads: "90.81% 与 434 ÷ 567 = 76.54%"."""
        if self.kind == "same":
            return self.stated
        if all(c.number is None for c in self.counterparts):
            return f"{self.stated}，无法由数据重算"
        return f"{self.stated} 与 " + "、".join(c.shown for c in self.counterparts)

    def row(self) -> dict[str, str]:
        """The check as a row of the audit tables; the id carries the check's anchor."""
        return {
            "编号": f"{{check}}`{self.id}`",
            "核查内容": self.claim,
            "出处": self.where,
            "报告所列": self.stated,
            "由数据重算": self.recomputed,
            "结论": str(self.verdict),
            "说明": self.explanation,
        }

    def record(self, package: DataPackage) -> dict:
        """The check as published data (audit.json): what it compared, what it verified and read, the verdict."""
        files = sorted({ref.file for ref in self.verifies | self.reads})
        return {
            "id": self.id,
            "anchor": self.anchor,
            "group": self.group,
            "section": self.where,
            "claim": self.claim,
            "stated": self.stated,
            "recomputed": self.recomputed,
            "verdict": str(self.verdict),
            "status": self.verdict.status,
            "contradicts": self.contradicts,
            "explanation": self.explanation,
            "subject": [ref.id for ref in self.subject],
            "verifies": sorted(ref.id for ref in self.verifies),
            "reads": sorted(ref.id for ref in self.reads),
            "declared": self.declared_at,
            "data_files": [
                {"file": name, "sha256": package.recorded_sha256(name.removesuffix(".csv"))} for name in files
            ],
        }


@dataclass
class Ledger:
    """The audit's checks in order, and the record of which stated numbers each verified and read."""

    checks: list[Check]
    groups: list[str]
    package: DataPackage
    facts: dict = field(default_factory=dict)

    @cached_property
    def _by_ref(self) -> dict[Ref, list[tuple[str, Check]]]:
        found: dict[Ref, list[tuple[str, Check]]] = {}
        for check in self.checks:
            for ref in sorted(check.verifies):
                found.setdefault(ref, []).append((VERIFIES, check))
            for ref in sorted(check.reads):
                found.setdefault(ref, []).append((READS, check))
        return found

    def relations(self, ref: Ref) -> list[tuple[str, Check]]:
        """The checks that verify the stated number `ref`, then those that read it, in the audit's order."""
        related = self._by_ref.get(ref, [])
        return [r for r in related if r[0] == VERIFIES] + [r for r in related if r[0] == READS]

    def in_group(self, group: str) -> list[Check]:
        return [check for check in self.checks if check.group == group]

    def stated_only(self) -> list:
        """The stated facts no check verifies or reads."""
        return [fact for key, fact in self.facts.items() if not self._by_ref.get(Ref.fact(key))]

    def summary(self) -> dict[str, int]:
        return _verdict_counts(self.checks)

    def group_summary(self, group: str) -> dict[str, object]:
        """One row of the overview: the group, then its checks per verdict (consistent by identification apart)."""
        counts = _verdict_counts(self.in_group(group))
        return {
            "类别": group,
            CONSISTENT: counts[CONSISTENT],
            f"其中{ASSUMED_SAME}": counts[ASSUMED_SAME],
            INCONSISTENT: counts[INCONSISTENT],
            NOT_DERIVABLE: counts[NOT_DERIVABLE],
        }

    def records(self) -> list[dict]:
        return [check.record(self.package) for check in self.checks]


def _verdict_counts(checks) -> dict[str, int]:
    counts = {CONSISTENT: 0, INCONSISTENT: 0, NOT_DERIVABLE: 0, ASSUMED_SAME: 0}
    for check in checks:
        counts[check.verdict.status] += 1
        counts[ASSUMED_SAME] += check.verdict.note == ASSUMED_SAME
    return counts


# ---- running the declarations ------------------------------------------------------------------------------


def _subject_text(scope: Scope, subject) -> tuple[str, str]:
    """(what the report states, as shown; the number compared) for a check's subject."""
    if isinstance(subject, list):
        return "、".join(scope.show(item) for item in subject), ""
    if isinstance(subject, Text):
        return subject.text, ""
    fact = _single_fact(scope, subject)
    if fact is not None:
        unit = fact.unit if fact.unit == "%" else f" {fact.unit}" if fact.unit else ""
        mark = QUALIFIER_MARK[fact.qualifier]
        return f"{fact.text}{unit}" + (f"（{mark}）" if mark else ""), fact.text
    if subject.computed:
        return subject.shown(), fmt_number(subject.value)
    return subject.shown(), subject.text


def _single_fact(scope: Scope, number) -> Fact | None:
    if isinstance(number, Number) and not number.computed and len(number.reads) == 1:
        (ref,) = number.reads
        return scope.data.facts.get(ref.key) if ref.key else None
    return None


def _where(scope: Scope, subject, declared: str) -> str:
    if declared:
        return scope.template(declared)
    items = subject if isinstance(subject, list) else [subject]
    places = [scope.data.place_of(ref) for item in items for ref in sorted(reads_of(item))]
    return "；".join(dict.fromkeys(places))


def _counterpart(scope: Scope, place: str, value, published: str, qualifier: str) -> Counterpart:
    if value is None:
        return Counterpart(place, None, Verdict(NOT_DERIVABLE), "—")
    number = scope._number(value)
    return Counterpart(place, number, compare(published, number.value, qualifier), number.shown(published))


def _place_of(scope: Scope, number: Number) -> str:
    return "、".join(dict.fromkeys(scope.data.place_of(ref) for ref in sorted(number.reads)))


def _run(declaration: Declaration, scope: Scope, subject_source, number: str, group: str) -> Check:
    spec = declaration.spec
    subject = scope.evaluate(subject_source) if subject_source is not None else None
    verifies = frozenset(reads_of(subject)) if subject is not None else frozenset()
    claim = scope.template(spec["claim"])
    basis = scope.template(spec.get("basis", ""))
    assumptions = [scope.template(a) for a in spec.get("assumptions", [])]
    notes: list[str] = []

    if "same" in spec:
        statements = spec["same"]
        labelled = statements.items() if isinstance(statements, dict) else [("", s) for s in statements]
        counterparts = []
        values: list[Number] = []
        for label, source in labelled:
            value = scope.evaluate(source)
            place = scope.template(label) if label else _place_of(scope, value)
            counterparts.append(Counterpart(place, value, Verdict(CONSISTENT), scope.show(value)))
            values.append(value)
        verifies = frozenset().union(*(reads_of(v) for v in values if not v.computed))
        stated = "；".join(f"{c.shown}（{c.place}）" for c in counterparts)
        verdict = same_values([c.shown for c in counterparts])
        where = _where(scope, values, spec.get("where", ""))
        kind = "same"
        subject_refs = tuple(sorted(verifies))
    else:
        stated, published = _subject_text(scope, subject)
        fact = _single_fact(scope, subject)
        qualifier = spec.get("qualifier") or (fact.qualifier if fact else "exact")
        where = _where(scope, subject, spec.get("where", ""))
        subject_refs = tuple(sorted(verifies))
        if "readings" in spec:
            kind = "readings"
            counterparts = [
                _counterpart(scope, scope.template(name), scope.evaluate(source), published, qualifier)
                for name, source in spec["readings"].items()
            ]
            matching = [c.place for c in counterparts if c.verdict.status == CONSISTENT]
            if matching:
                verdict = Verdict(CONSISTENT, note=f"按{matching[0]}")
            else:
                many = len(counterparts) > 1
                verdict = Verdict(INCONSISTENT, note=f"{len(counterparts)} 种口径均不符" if many else "")
        else:
            kind = "compare"
            recomputed = scope.evaluate(spec["recompute"]) if spec.get("recompute") is not None else None
            place = _place_of(scope, recomputed) if isinstance(recomputed, Number) else ""
            counterparts = [_counterpart(scope, place, recomputed, published, qualifier)]
            for label, source in spec.get("against", {}).items():
                counterparts.append(
                    _counterpart(scope, scope.template(label), scope.evaluate(source), published, "exact")
                )
            verdict = _combined(
                counterparts, assumptions + [a for c in counterparts if c.number for a in c.number.assumptions]
            )
            if len(counterparts) == 1 and counterparts[0].number is not None:
                assumptions += [a for a in counterparts[0].number.assumptions if a not in assumptions]
            if "equal_elsewhere" in spec:
                for other in scope.evaluate(spec["equal_elsewhere"]):
                    if other.text == published and not (other.reads & verifies):
                        notes.append(f"报告所列 {stated} 与{other.place}相同。")
    reads = frozenset(scope.read) - verifies
    return Check(
        id=number,
        group=group,
        claim=claim,
        kind=kind,
        where=where,
        stated=stated,
        counterparts=tuple(counterparts),
        verdict=verdict,
        basis=basis,
        assumptions=tuple(assumptions),
        notes=tuple(notes),
        subject=subject_refs,
        verifies=verifies,
        reads=reads,
        declared_at=declaration.where,
    )


def _combined(counterparts: list[Counterpart], assumptions: list[str]) -> Verdict:
    if any(c.verdict.status == NOT_DERIVABLE for c in counterparts):
        return Verdict(NOT_DERIVABLE)
    failed = [c for c in counterparts if c.verdict.status == INCONSISTENT]
    if not failed:
        return Verdict(CONSISTENT, note=ASSUMED_SAME if assumptions else "")
    if len(counterparts) == 1:
        return failed[0].verdict
    return Verdict(INCONSISTENT, note=f"与 {len(failed)} 处不符")


def build_ledger(package: DataPackage) -> Ledger:
    """Run every check the edition declares (data/<year>/checks.yaml), in order; ids are A<group>-<nn>."""
    facts_data = Data(package)
    current = package.edition
    constants = {"year": current.year, "previous_year": current.previous_year}
    checks, groups = [], []
    for group_number, (group, found) in enumerate(declarations(package), start=1):
        groups.append(group)
        count = 0
        for declaration in found:
            for names in declaration.bindings(facts_data):
                subjects = declaration.spec.get("subject")
                for subject in subjects if isinstance(subjects, list) else [subjects]:
                    count += 1
                    scope = Scope(facts_data, {**constants, **names})
                    try:
                        for name, source in declaration.spec.get("let", {}).items():
                            scope.names[name] = scope.evaluate(source)
                        checks.append(_run(declaration, scope, subject, f"A{group_number}-{count:02d}", group))
                    except ExpressionError as error:
                        raise DeclarationError(f"{declaration.where}: {error}") from None
    return Ledger(checks, groups, package, facts_data.facts)
