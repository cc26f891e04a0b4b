"""Every parameter definition matches the Broadband Forum's data-model XML."""

from __future__ import annotations

from pathlib import Path

from lxml import etree
import pytest

from tests.shared_material import datamodels_dir
from tr069_cpe.cwmp.datamodel import (
    ActiveNotify,
    ObjectSpec,
    ParameterSpec,
    RootObject,
    root_spec,
)

FILES = {
    RootObject.DEVICE: "tr-181-2-17-0-cwmp-full.xml",
    RootObject.INTERNET_GATEWAY_DEVICE: "tr-098-1-8-0-full.xml",
}


def bbf_objects(root: RootObject) -> dict[str, etree._Element]:
    document = etree.parse(str(datamodels_dir() / FILES[root]))
    return {obj.get("name"): obj for obj in document.getroot().iter("{*}object")}


def bbf_parameters(root: RootObject) -> dict[str, etree._Element]:
    document = etree.parse(str(datamodels_dir() / FILES[root]))
    data_types = {
        element.get("name"): element for element in document.getroot().iter("{*}dataType")
    }
    parameters = {}
    for obj in document.getroot().iter("{*}object"):
        for parameter in obj.findall("{*}parameter"):
            parameters[f"{obj.get('name')}{parameter.get('name')}"] = parameter
    parameters["__types__"] = data_types  # type: ignore[assignment]
    return parameters


def object_path(spec: ObjectSpec, prefix: str) -> str:
    return f"{prefix}{spec.name}.{'{i}.' if spec.multi_instance else ''}"


def ours(spec: ObjectSpec, prefix: str = "") -> dict[str, ParameterSpec]:
    found: dict[str, ParameterSpec] = {}
    path = object_path(spec, prefix)
    for child in spec.children:
        if isinstance(child, ParameterSpec):
            found[path + child.name] = child
        else:
            found.update(ours(child, path))
    return found


def our_objects(spec: ObjectSpec, prefix: str = "") -> dict[str, ObjectSpec]:
    path = object_path(spec, prefix)
    found = {path: spec}
    for child in spec.children:
        if isinstance(child, ObjectSpec):
            found.update(our_objects(child, path))
    return found


def syntax_of(parameter: etree._Element, data_types: dict[str, etree._Element]) -> etree._Element:
    syntax = parameter.find("{*}syntax")
    kind = next(
        child
        for child in syntax
        if isinstance(child.tag, str) and etree.QName(child).localname not in ("default", "list")
    )
    while etree.QName(kind).localname == "dataType":
        base = data_types[kind.get("ref")]
        while base.find("{*}string") is None and base.get("base"):
            base = data_types[base.get("base")]
        kind = next(child for child in base if etree.QName(child).localname != "description")
    return kind


@pytest.mark.parametrize("root", list(RootObject))
def test_standard_parameters_match_bbf(root: RootObject) -> None:
    bbf = bbf_parameters(root)
    data_types = bbf.pop("__types__")
    for path, spec in ours(root_spec(root)).items():
        assert path in bbf, f"{path} is not in {FILES[root]}"
        parameter = bbf[path]
        kind = syntax_of(parameter, data_types)  # type: ignore[arg-type]
        assert etree.QName(kind).localname == spec.type.value, path
        assert (parameter.get("access") == "readWrite") == spec.writable, path
        assert (parameter.get("forcedInform") == "true") == spec.forced_inform, path
        active = parameter.get("activeNotify", "normal")
        assert ActiveNotify(active) is spec.active_notify, path
        syntax = parameter.find("{*}syntax")
        # "secured" replaced "hidden" in later data models: both read as "".
        hidden = "true" in (syntax.get("hidden"), syntax.get("secured"))
        assert hidden == spec.hidden, path
        bbf_list = syntax.find("{*}list")
        assert (bbf_list is not None) == spec.is_list, path
        if bbf_list is not None and bbf_list.get("maxItems"):
            assert spec.max_items == int(bbf_list.get("maxItems")), path
        size = kind.find("{*}size")
        if size is not None:
            assert spec.max_length == int(size.get("maxLength")), path
        value_range = kind.find("{*}range")
        if value_range is not None:
            minimum = value_range.get("minInclusive")
            maximum = value_range.get("maxInclusive")
            assert spec.minimum == (int(minimum) if minimum else None), path
            assert spec.maximum == (int(maximum) if maximum else None), path
        pattern = kind.find("{*}pattern")
        if pattern is not None:
            assert spec.pattern == pattern.get("value"), path


@pytest.mark.parametrize("root", list(RootObject))
def test_standard_objects_match_bbf(root: RootObject) -> None:
    bbf = bbf_objects(root)
    for path, spec in our_objects(root_spec(root)).items():
        assert path in bbf, f"{path} is not in {FILES[root]}"
        obj = bbf[path]
        assert (obj.get("access") == "readWrite") == spec.writable, path
        assert spec.multi_instance == (obj.get("maxEntries") != "1"), path
        if spec.multi_instance:
            assert obj.get("numEntriesParameter") == spec.count_parameter, path


def test_data_models_are_where_the_tests_expect_them() -> None:
    assert isinstance(datamodels_dir(), Path)
