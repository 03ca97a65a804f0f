"""The small language in which an edition declares its audit checks (data/<year>/checks.yaml).

An expression is a Python expression restricted to numbers, strings, lists, names bound by the check (`let`,
`row`, `year`, `previous_year`), + − × ÷ and the functions below. Every number comes from `fact(...)`,
`cell(...)`, `column(...)` or `rows(...)`, which read the edition's data and record what they read, so a check's
reads are known from its computation (jzreport.audit.values).

    fact("graduates")                                   a number the report states (reported_facts.csv)
    cell("progression", "admitted", year=2025)         one cell of a data file (the one row that matches)
    column("certificate_attainment", "certified")      a column's cells, in the file's order
    cells("fitness_tests", ["good", "passed"], year=y)  several columns of the matching rows
    rows("majors", note=contains("联合办学"))            the matching rows (to count them)
    texts("certification_batches", "trades")           a text column (to name or count what it names)
    total(...), count(..., names="major"), ratio(a, b), lowest(...), distinct(texts, separator, register),
    absent(texts, from_texts, register), register(kind)

A filter's value may be a list (any of them) or contains("…") (a substring). A template ("{year} 届…") puts the
value of each {expression} into text: a number read as printed, a number computed as its result, a list joined
with 、.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass, replace
from typing import Any

from jzreport.audit.values import Number, Ref, constant, count, ratio, total
from jzreport.datapackage.load import DataError, DataPackage
from jzreport.present.formatting import fmt_number


class ExpressionError(Exception):
    """An expression of a check declaration that cannot be evaluated (said in words an editor can act on)."""


@dataclass(frozen=True)
class Text:
    """A text cell read by a check (a name, a list of trades), with the row it came from."""

    text: str
    reads: frozenset[Ref]


@dataclass(frozen=True)
class Contains:
    fragment: str


class Row(dict):
    """The current row of a check declared for `each` row of a file: `row.year`, `row.major`."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise ExpressionError(f"row 没有列 {name!r} (the row has no column {name!r})") from None


class Data:
    """The edition's data as checks read them: stated facts, typed tables, their descriptors and name register."""

    def __init__(self, package: DataPackage):
        self.package = package
        self.facts = package.stated_facts()

    def table(self, name: str):
        try:
            self.package.resource(name)
        except DataError as error:
            raise ExpressionError(str(error)) from None
        return self.package.load_table(name)

    def path(self, name: str) -> str:
        return self.package.resource(name)["path"]

    def table_number(self, name: str) -> str:
        """The report's table for a data file ("表 5"), else its section (where its numbers are stated)."""
        source = self.package.resource(name).get("source", {})
        return (source.get("table") or source.get("section", "")).split("；")[0]

    def printed(self, name: str, column: str, index: int) -> str:
        """A cell as the report prints it: its text in the CSV ("96.0", "0")."""
        return str(self.package.printed_table(name).loc[index, column])

    def title(self, name: str, column: str) -> str:
        """A column's title without the book's remarks in brackets: "升学率（%，原报告所列）" -> "升学率"."""
        return self.package.field_titles(name)[column].split("（")[0]

    def percent(self, name: str, column: str) -> bool:
        fields = {f["name"]: f for f in self.package.resource(name)["schema"]["fields"]}
        return fields[column].get("unit") == "%"

    def row_label(self, name: str, index: int) -> str:
        """What names a row of a table: its primary key's last field ("2024", "专职教师"), or, for a numbered
        table, its first text column."""
        schema = self.package.resource(name)["schema"]
        key = [k for k in schema.get("primaryKey", []) if k != "seq"]
        frame = self.table(name)
        if key:
            return str(frame.loc[index, key[-1]])
        text = [f["name"] for f in schema["fields"] if f["type"] == "string" and f["name"] != "seq"]
        return str(frame.loc[index, text[0]]) if text else f"第 {index + 1} 行"

    def place_of(self, ref: Ref) -> str:
        if ref.key:
            return self.facts[ref.key].section
        name = ref.file.removesuffix(".csv")
        return self.table_number(name) or ref.file

    def register(self, kind: str) -> dict[str, str]:
        """The name register (name_mentions.csv): each way of writing an entity of `kind` -> the entity."""
        mentions = self.table("name_mentions")
        chosen = mentions[mentions["entity"].str.startswith(kind + "：")]
        return {name: entity.split("：", 1)[1] for entity, name in zip(chosen["entity"], chosen["name"])}


class Scope:
    """Evaluates a check's expressions: `names` bound by the check, functions reading `data`."""

    def __init__(self, data_: Data, names: dict[str, Any]):
        self.data = data_
        self.names = dict(names)
        self.read: set[Ref] = set()  # every stated number an evaluated expression read

    # ---- reading the data ----------------------------------------------------------------------------------
    def _rows(self, name: str, where: dict[str, Any]):
        frame = self.data.table(name)
        chosen = frame
        for column, wanted in where.items():
            if column not in frame.columns:
                raise ExpressionError(f"{self.data.path(name)} 没有列 {column!r} (no column {column!r})")
            values = chosen[column]
            if isinstance(wanted, Contains):
                chosen = chosen[values.astype(str).str.contains(wanted.fragment, regex=False)]
            elif isinstance(wanted, list):
                chosen = chosen[values.isin(wanted)]
            else:
                chosen = chosen[values == type(values.iloc[0])(wanted) if len(values) else values == wanted]
        return frame, chosen

    def _cell(self, name: str, column: str, index: int, frame) -> Number:
        if column not in frame.columns:
            raise ExpressionError(f"{self.data.path(name)} 没有列 {column!r} (no column {column!r})")
        value = frame.loc[index, column]
        place = " ".join(
            [self.data.table_number(name), self.data.row_label(name, index), self.data.title(name, column)]
        )
        ref = Ref(self.data.path(name), line=int(index) + 2, column=column)  # line 1 is the header
        unit = "%" if self.data.percent(name, column) else ""
        return Number(float(value), self.data.printed(name, column, index), frozenset({ref}), place=place, unit=unit)

    def fact(self, key: str) -> Number:
        fact = self.data.facts.get(key)
        if fact is None:
            raise ExpressionError(f"reported_facts.csv 中没有键 {key!r} (no stated fact {key!r})")
        return Number(fact.value, fact.text, frozenset({Ref.fact(key)}), place=fact.section, qualifier=fact.qualifier)

    def cell(self, name: str, column: str, **where) -> Number:
        frame, chosen = self._rows(name, where)
        if len(chosen) != 1:
            raise ExpressionError(
                f"{self.data.path(name)} 中符合 {where} 的行有 {len(chosen)} 行，应恰有 1 行 "
                f"({len(chosen)} rows match {where}; expected exactly one)"
            )
        return self._cell(name, column, chosen.index[0], frame)

    def column(self, name: str, column: str, **where) -> list[Number]:
        frame, chosen = self._rows(name, where)
        return [self._cell(name, column, index, frame) for index in chosen.index]

    def cells(self, name: str, columns: list[str], **where) -> list[Number]:
        frame, chosen = self._rows(name, where)
        return [self._cell(name, column, index, frame) for index in chosen.index for column in columns]

    def rows(self, name: str, **where) -> list[Number]:
        _, chosen = self._rows(name, where)
        path = self.data.path(name)
        return [Number(1.0, "", frozenset({Ref(path, line=int(i) + 2)})) for i in chosen.index]

    def texts(self, name: str, column: str, **where) -> list[Text]:
        _, chosen = self._rows(name, where)
        path = self.data.path(name)
        return [Text(str(chosen.loc[i, column]), frozenset({Ref(path, line=int(i) + 2)})) for i in chosen.index]

    # ---- computing ---------------------------------------------------------------------------------------
    def count(self, items: list, names: str = "") -> Number:
        detail = ""
        if names:
            by_line = {}
            for item in items:
                for ref in item.reads:
                    name = ref.file.removesuffix(".csv")
                    by_line[ref.line] = str(self.data.table(name).loc[ref.line - 2, names])
            detail = "、".join(by_line[line] for line in sorted(by_line))
        return count(items, detail)

    def ratio(self, numerator, denominator):
        if isinstance(numerator, list):
            return [ratio(a, b) for a, b in zip(numerator, denominator)]
        return ratio(numerator, denominator)

    @staticmethod
    def lowest(numbers: list[Number]) -> Number:
        """The smallest of `numbers`; it rests on all of them (it was chosen among them)."""
        low = min(numbers, key=lambda n: n.value)
        reads = frozenset().union(*(n.reads for n in numbers))
        return replace(low, reads=reads)

    def distinct(self, items: list[Text], separator: str = "", register: str = "") -> Number:
        """How many different things `items` name (split at `separator`), counting as one the ways the name
        register groups under one entity of kind `register`; each such grouping is an assumption of the count."""
        groups = self.data.register(register) if register else {}
        names = [part for item in items for part in (item.text.split(separator) if separator else [item.text])]
        entities = list(dict.fromkeys(groups.get(n, n) for n in names))
        kind = register.split("：")[0]
        assumptions = []
        for entity in entities:
            variants = [n for n in dict.fromkeys(names) if groups.get(n, n) == entity]
            if variants != [entity]:
                assumptions.append(f"{'、'.join(variants)} 视为同一{kind}：{entity}")
        reads = frozenset().union(*(item.reads for item in items))
        return Number(
            float(len(entities)),
            "",
            reads,
            detail="、".join(entities),
            computed=True,
            assumptions=tuple(assumptions),
        )

    def absent(self, items: list[Text], among: list[Text], register: str = "") -> list[str]:
        """The names of `items` not found among `among` (names the register groups count as found)."""
        groups = self.data.register(register) if register else {}
        found = {groups.get(t.text, t.text) for t in among}
        return [t.text for t in items if groups.get(t.text, t.text) not in found]

    def quote(self, key: str) -> Text:
        """The report's words around a stated number (reported_facts.csv `quote`)."""
        self.fact(key)  # a key the report states no fact for is an error
        return Text(self.data.facts[key].quote, frozenset({Ref.fact(key)}))

    def register(self, kind: str) -> list[Text]:
        return [Text(name, frozenset()) for name in self.data.register(kind)]

    # ---- the language ------------------------------------------------------------------------------------
    FUNCTIONS = (
        "fact",
        "cell",
        "column",
        "cells",
        "rows",
        "texts",
        "count",
        "ratio",
        "lowest",
        "distinct",
        "absent",
        "register",
        "quote",
        "total",
        "contains",
    )
    _BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}

    def evaluate(self, source: str | int | float) -> Any:
        """The value of an expression; what it read is added to `read`."""
        if isinstance(source, (int, float)) and not isinstance(source, bool):
            return constant(source)
        try:
            tree = ast.parse(str(source).strip(), mode="eval")
        except SyntaxError as error:
            raise ExpressionError(f"无法解析表达式 {source!r}：{error.msg} (cannot parse)") from None
        value = self._node(tree.body)
        self.read |= reads_of(value)
        return value

    def _node(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float)):
            return node.value
        if isinstance(node, ast.List):
            return [self._node(item) for item in node.elts]
        if isinstance(node, ast.Name):
            if node.id not in self.names:
                raise ExpressionError(f"未定义的名字 {node.id!r} (unknown name {node.id!r})")
            return self.names[node.id]
        if isinstance(node, ast.Attribute):
            return getattr(self._node(node.value), node.attr)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self._number(self._node(node.operand))
        if isinstance(node, ast.BinOp) and type(node.op) in self._BINARY:
            return self._BINARY[type(node.op)](
                self._number(self._node(node.left)), self._number(self._node(node.right))
            )
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in self.FUNCTIONS:
            args = [self._node(a) for a in node.args]
            kwargs = {}
            for keyword in node.keywords:
                if keyword.arg is None:  # f(**mapping)
                    raise ExpressionError(f"不支持的写法 {ast.unparse(node)!r} (not part of the check language)")
                kwargs[keyword.arg] = self._node(keyword.value)
            if node.func.id == "total":
                return total(*args)
            if node.func.id == "contains":
                return Contains(*args)
            return getattr(self, node.func.id)(*args, **kwargs)
        raise ExpressionError(f"不支持的写法 {ast.unparse(node)!r} (not part of the check language)")

    @staticmethod
    def _number(value) -> Number:
        if isinstance(value, Number):
            return value
        if isinstance(value, (int, float)):
            return constant(value)
        raise ExpressionError(f"{value!r} 不是数字 (not a number)")

    def template(self, text: str) -> str:
        """`text` with each {expression} replaced by its value (see the module's docstring)."""
        out, rest = [], str(text)
        while "{" in rest:
            before, _, after = rest.partition("{")
            expression, closed, rest = after.partition("}")
            if not closed:
                raise ExpressionError(f"模板 {text!r} 缺少 }} (unclosed brace in template)")
            out += [before, self.show(self.evaluate(expression))]
        return "".join(out) + rest

    def show(self, value) -> str:
        if isinstance(value, Number):
            return fmt_number(value.value) if value.computed else value.text
        if isinstance(value, Text):
            return value.text
        if isinstance(value, list):
            return "、".join(self.show(v) for v in value) or "无"
        return str(value)


def reads_of(value) -> frozenset[Ref]:
    """The stated numbers a value (a number, a text, a list of them) was read or computed from."""
    if isinstance(value, (Number, Text)):
        return value.reads
    if isinstance(value, list):
        return frozenset().union(*(reads_of(v) for v in value)) if value else frozenset()
    return frozenset()
