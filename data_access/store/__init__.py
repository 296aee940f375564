"""The store: engine and checks (:mod:`.engine`), the tables (:mod:`.schema`) and their migrations,
reference data (:mod:`.reference`), writing declarations (:mod:`.writing`, used by the live feed and
the import; the import's staged chunks in :mod:`.staging`) and the rollups every write keeps
(:mod:`.rollup`).

Everything outside this package uses the names below, and the table definitions of ``schema``.
"""

from __future__ import annotations

from . import reference_data, rollup, schema
from .engine import (
    StoreError,
    check_store,
    create_store_engine,
    display_url,
    driver_connection,
    head_revision,
    init_store,
)
from .reference import WIFI_EARLIEST, load_hot_zones, seed_reference_data, set_wifi_opened_on
from .staging import Staged, StagedWrite, open_stage, stage, write_staged
from .writing import (
    ROW_COLUMNS,
    Written,
    insert_kind,
    new_batch,
    plate_hash,
    prepare_row,
    write_declarations,
    write_rows,
)

__all__ = [
    "ROW_COLUMNS",
    "WIFI_EARLIEST",
    "Staged",
    "StagedWrite",
    "StoreError",
    "Written",
    "check_store",
    "create_store_engine",
    "display_url",
    "driver_connection",
    "head_revision",
    "init_store",
    "insert_kind",
    "load_hot_zones",
    "new_batch",
    "open_stage",
    "plate_hash",
    "prepare_row",
    "reference_data",
    "rollup",
    "schema",
    "seed_reference_data",
    "set_wifi_opened_on",
    "stage",
    "write_declarations",
    "write_rows",
    "write_staged",
]
