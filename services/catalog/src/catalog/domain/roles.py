"""Who may do which step of the listing flow by default (rules.md §0 roles; CAT-1, CAT-2, CAT-4..CAT-9,
CAT-11; SM-LIST actors), and who may list (CAT-8, conflict C8: a setting).

`COMMAND_ROLES` is the documented default, 000's chart 商品上架銷售流程: the department supervisor
selects and positions (商品挑選、定位部門主管), all department staff brief the selling points, the
supervisor photographs with the artist or photographer, the technician retouches, the department
manager approves the images (圖片審核部門經理) and the launch (CAT-6), the artist edits the detail page
(寶貝詳情編輯美工). `CATALOG_COMMAND_ROLES` replaces the roles of the commands it names.

Who lists and relists is `CATALOG_LISTING_ROLES` (CAT-8): one of the six variants of
`LISTING_VARIANTS` by name, or a JSON list of role ids. The default is `chart_000`.
"""

from __future__ import annotations

from typing import Final

from jetstream_es.roles import CommandRoles

DEPT_SUPERVISOR: Final = "dept_supervisor"
DEPT_MANAGER: Final = "dept_manager"
WEB_ARTIST: Final = "web_artist"
PHOTOGRAPHER: Final = "photographer"
TECHNICIAN: Final = "technician"
WAREHOUSE_KEEPER: Final = "warehouse_keeper"
OPS_SPECIALIST: Final = "ops_specialist"
PRESALES_CS: Final = "presales_cs"
PRODUCT_EDITOR: Final = "product_editor"
"""001's 产品编辑 (title, description, listing); no role of rules.md §0 yet, granted by identity_admin."""
PRODUCT_MANAGER: Final = "product_manager"
"""001's 产品经理; no role of rules.md §0 yet."""
PURCHASING: Final = "purchasing"
"""001's 采购部 (CAT-9: asks for, compares and negotiates the suppliers' prices); not in rules.md §0 yet."""

DEPARTMENT_STAFF: Final = (
    DEPT_SUPERVISOR,
    DEPT_MANAGER,
    "ecom_supervisor",
    PRESALES_CS,
    "aftersales_cs",
    "sales_staff",
    "order_clerk",
    WAREHOUSE_KEEPER,
    WEB_ARTIST,
    TECHNICIAN,
    PHOTOGRAPHER,
    "promotion_specialist",
    OPS_SPECIALIST,
    "product_ops_staff",
    PRODUCT_EDITOR,
)
"""CAT-1 (2) and (7): 全部門人員, all of the e-commerce department's staff."""

SETTING: Final = "CATALOG_COMMAND_ROLES"
LISTING_SETTING: Final = "CATALOG_LISTING_ROLES"

COMMAND_ROLES: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    "SelectProduct": ((DEPT_SUPERVISOR,), "CAT-1"),
    "RecordSellingPoints": (DEPARTMENT_STAFF, "CAT-1"),
    "RecordPhotography": ((DEPT_SUPERVISOR, WEB_ARTIST, PHOTOGRAPHER), "CAT-1"),
    "RetouchImages": ((TECHNICIAN,), "CAT-1"),
    "ReviewProductImages": ((DEPT_MANAGER,), "CAT-1"),
    "EditDetailPage": ((WEB_ARTIST,), "CAT-1"),
    "BulkUploadProducts": ((WEB_ARTIST,), "CAT-4"),
    "RecordProductionStep": ((WEB_ARTIST, TECHNICIAN, PHOTOGRAPHER), "CAT-2"),
    "ApproveLaunch": ((DEPT_MANAGER,), "CAT-6"),
    "SetPrice": ((DEPT_SUPERVISOR, OPS_SPECIALIST), "CAT-11"),
    "SetAccessories": ((WEB_ARTIST, DEPT_SUPERVISOR, OPS_SPECIALIST), "CAT-1"),
    "ChangeProductDetails": ((WEB_ARTIST, DEPT_SUPERVISOR), "CAT-4"),
    "DelistProduct": ((OPS_SPECIALIST, DEPT_SUPERVISOR, DEPT_MANAGER), "CAT-7"),
    "RecordInspection": ((WAREHOUSE_KEEPER,), "CAT-5"),
    "PlanSupplierSelection": ((OPS_SPECIALIST, DEPT_SUPERVISOR), "CAT-9"),
    "RecordSupplierQuote": ((PURCHASING,), "CAT-9"),
    "SelectSupplier": ((OPS_SPECIALIST, DEPT_SUPERVISOR), "CAT-9"),
}
"""Command name -> (roles allowed, rule cited when refused). ListProduct and RelistProduct are not
here: who lists is CATALOG_LISTING_ROLES (CAT-8)."""

LISTING_COMMANDS: Final = ("ListProduct", "RelistProduct")

DEFAULT_ROLES: Final = CommandRoles.configured(COMMAND_ROLES, setting=SETTING)

LISTING_VARIANTS: Final[dict[str, tuple[str, ...]]] = {
    "chart_000": (DEPT_SUPERVISOR,),
    "presales_000": (PRESALES_CS,),
    "ops_specialist_001": (OPS_SPECIALIST,),
    "product_editor_001": (PRODUCT_EDITOR,),
    "warehouse_001": (WAREHOUSE_KEEPER,),
    "product_manager_001": (PRODUCT_MANAGER, OPS_SPECIALIST),
}
"""CAT-8's six variants of who lists products (conflict C8):

- `chart_000`: 000's chart, the department supervisor lists after the manager's image approval
  (CAT-1) and launch approval (CAT-6) — the default;
- `presales_000`: 000 §2.7, pre-sales customer service 「及時完成淘寶商城新品上架」;
- `ops_specialist_001`: 001, the operations specialist 「由运营专员负责商品的上架和下架操作」;
- `product_editor_001`: 001, the product editor 「产品编辑:负责…产品上架等」;
- `warehouse_001`: 001, the warehouse department 「仓储部负责接收商品并进行上架操作」;
- `product_manager_001`: 001, product manager → artist → the operations specialist sets price and
  stock and lists 「运营专员负责产品上架,设置价格、库存等」 (the product manager or the specialist).
"""

DEFAULT_LISTING_VARIANT: Final = "chart_000"
