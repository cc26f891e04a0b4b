"""The fuzz targets with the suite's bounded budget (``scripts/fuzz`` runs them for longer).

The ``suite`` profile (tests/conftest.py) draws the same examples on every run, so that
the suite is deterministic; ``scripts/fuzz`` draws new ones.
"""

from __future__ import annotations

from collections.abc import Iterator

from hypothesis import given
import pytest

from . import targets


@given(targets.decoder_inputs)
def test_the_soap_decoder_gives_an_envelope_or_soap_error(data: bytes) -> None:
    targets.check_decoder(data)


@pytest.fixture(scope="module")
def bench() -> Iterator[targets.RpcBench]:
    bench = targets.RpcBench()
    yield bench
    bench.close()


@given(data=targets.rpc_inputs)
def test_every_rpc_answers_any_arguments_with_a_valid_response_or_fault(
    bench: targets.RpcBench, data: bytes
) -> None:
    targets.check_rpc(bench, data)


@given(targets.configuration_inputs)
def test_configuration_files_give_a_file_or_configuration_file_error(
    case: tuple[bytes, str],
) -> None:
    targets.check_configuration(case)


@given(targets.wakeup_inputs)
def test_connection_request_readers_give_a_result_or_their_own_error(data: bytes) -> None:
    targets.check_wakeup(data)
