"""Words a person reads in the terminal, in Vietnamese (default) and English."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "load_report": {"vi": "Báo cáo nạp dữ liệu", "en": "Load report"},
    "rows_read": {"vi": "Số dòng đọc", "en": "Rows read"},
    "rows_loaded": {"vi": "Số dòng nạp", "en": "Rows loaded"},
    "rows_rejected": {"vi": "Số dòng bị loại", "en": "Rows rejected"},
    "version": {"vi": "Phiên bản", "en": "Version"},
    "column": {"vi": "Cột", "en": "Column"},
    "header": {"vi": "Tiêu đề gốc", "en": "Original header"},
    "type": {"vi": "Kiểu", "en": "Type"},
    "nulls": {"vi": "Trống", "en": "Nulls"},
    "examples": {"vi": "Ví dụ", "en": "Examples"},
    "why": {"vi": "Lý do", "en": "Why"},
    "warnings": {"vi": "Cảnh báo", "en": "Warnings"},
    "reject_reasons": {"vi": "Lý do loại", "en": "Reject reasons"},
    "skipped_rows": {"vi": "Dòng bỏ qua (không phải dữ liệu)", "en": "Rows skipped (not data)"},
    "source": {"vi": "Nguồn", "en": "Source"},
    "reading": {"vi": "Đang đọc và phân loại kiểu", "en": "Reading and typing"},
    "error": {"vi": "Lỗi", "en": "Error"},
    "hint": {"vi": "Gợi ý", "en": "Hint"},
    "datasets": {"vi": "Bộ dữ liệu", "en": "Datasets"},
    "title": {"vi": "Tiêu đề", "en": "Title"},
    "organisation": {"vi": "Cơ quan", "en": "Organisation"},
    "access": {"vi": "Truy cập", "en": "Access"},
    "freshness": {"vi": "Độ cập nhật", "en": "Freshness"},
    "rows": {"vi": "Số dòng", "en": "Rows"},
    "history": {"vi": "Lịch sử phiên bản", "en": "Version history"},
    "committed": {"vi": "Thời điểm", "en": "Committed"},
    "operation": {"vi": "Thao tác", "en": "Operation"},
    "added": {"vi": "Thêm", "en": "Added"},
    "deleted": {"vi": "Xoá", "en": "Deleted"},
    "total": {"vi": "Tổng", "en": "Total"},
    "truncated": {"vi": "Kết quả đã bị cắt bớt ở {n} dòng.", "en": "Result truncated at {n} rows."},
    "no_rejects": {"vi": "Không có dòng nào bị loại.", "en": "No rejected rows."},
    "line": {"vi": "Dòng", "en": "Line"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "reason": {"vi": "Lý do", "en": "Reason"},
    "maintained": {"vi": "Bảo trì xong", "en": "Maintenance done"},
    "serving": {"vi": "Kho đang chạy tại", "en": "Kho is serving at"},
    # counts in sentences: the numbers arrive already written with num()
    "n_rows": {"vi": "{n} dòng", "en": "{n} rows"},
    "seconds": {"vi": "{s} giây", "en": "{s} s"},
    "more": {"vi": "… và {n} mục nữa", "en": "… {n} more"},
    # load report: where the file was read from
    "legacy_encoding": {"vi": "bảng mã cũ {name}", "en": "legacy {name}"},
    "delimiter": {"vi": "dấu phân cách {char}", "en": "delimiter {char}"},
    "sheet": {"vi": "trang tính {name}", "en": "sheet {name}"},
    "header_lines": {"vi": "dòng tiêu đề {lines}", "en": "header line(s) {lines}"},
    "skipped_line": {"vi": "dòng {line} ({kind})", "en": "line {line} ({kind})"},
    "schema": {"vi": "Lược đồ", "en": "Schema"},
    # datasets
    "unit": {"vi": "Đơn vị tính", "en": "Unit"},
    "table_summary": {
        "vi": "{table} — {rows} dòng, {versions} phiên bản",
        "en": "{table} — {rows} rows, {versions} version(s)",
    },
    "load_failed": {
        "vi": "✗ lần nạp #{id} {source} thất bại",
        "en": "✗ load #{id} {source} failed",
    },
    "query_version": {"vi": "Truy vấn một phiên bản", "en": "Query a version"},
    "fix_then": {"vi": "Sửa chúng, rồi chạy", "en": "Fix them, then"},
    "demo_loaded": {
        "vi": "{dataset}: nạp {loaded} dòng, loại {rejected} dòng (phiên bản {version})",
        "en": "{dataset}: {loaded} rows loaded, {rejected} rejected (version {version})",
    },
    "demo_already": {
        "vi": "Dữ liệu mẫu đã được nạp (dùng --reload để nạp lại thành phiên bản mới).",
        "en": "Demo already loaded (use --reload to load it again as new versions).",
    },
    # migrate
    "migration": {"vi": "Lần chuyển dữ liệu", "en": "Migration"},
    "table": {"vi": "Bảng", "en": "Table"},
    "dataset": {"vi": "Bộ dữ liệu", "en": "Dataset"},
    "status": {"vi": "Trạng thái", "en": "Status"},
    "source_rows": {"vi": "Số dòng nguồn", "en": "Source rows"},
    "warehouse_rows": {"vi": "Số dòng trong kho", "en": "Warehouse rows"},
    "key": {"vi": "Khoá", "en": "Key"},
    "notes": {"vi": "Ghi chú", "en": "Notes"},
    # indicators
    "computed": {
        "vi": "✓ {indicator} từ {source}: tính lại {recomputed} kỳ, {unchanged} kỳ không đổi, "
        "bỏ {removed} kỳ; {values} giá trị",
        "en": "✓ {indicator} from {source}: {recomputed} periods recomputed, {unchanged} "
        "unchanged, {removed} removed; {values} values",
    },
    "unresolved": {
        "vi": "{indicator}: {n} giá trị đơn vị không xếp được vào đơn vị nào "
        "(các dòng của chúng chỉ được tính vào ALL)",
        "en": "{indicator}: {n} unit values not placed on a unit (their rows count in ALL only)",
    },
    "unresolved_hint": {
        "vi": "Thêm một mục org_aliases vào định nghĩa chỉ tiêu (ví dụ `Tuyen Qang: Tuyên Quang`) "
        "rồi tính lại; --json liệt kê đầy đủ.",
        "en": "Add an org_aliases entry to the indicator (e.g. `Tuyen Qang: Tuyên Quang`) and "
        "compute again; --json lists them all.",
    },
    "unit_unknown": {"vi": "không nhận ra", "en": "unknown"},
    "unit_ambiguous": {"vi": "trùng tên, chưa rõ", "en": "ambiguous"},
    "unit_split": {"vi": "phải chia tách", "en": "split"},
    "periods": {"vi": "Kỳ", "en": "Periods"},
    "candidates": {"vi": "Có thể là", "en": "Candidates"},
    "note": {"vi": "Ghi chú", "en": "Note"},
    "empty_value": {"vi": "(trống)", "en": "(empty)"},
    "first_of_rows": {"vi": "{shown}/{total} dòng", "en": "{shown} of {total} rows"},
    "report_title": {
        "vi": "Báo cáo chỉ tiêu {period} — {org}",
        "en": "Indicator report {period} — {org}",
    },
    "col_indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "col_unit": {"vi": "Đơn vị", "en": "Unit"},
    "col_actual": {"vi": "Thực hiện", "en": "Actual"},
    "col_target": {"vi": "Kế hoạch", "en": "Target"},
    "col_achieved": {"vi": "% đạt", "en": "% achieved"},
    "col_status": {"vi": "Đánh giá", "en": "Status"},
    "col_prev": {"vi": "± kỳ trước", "en": "Δ prev"},
    "col_year": {"vi": "± cùng kỳ", "en": "Δ year"},
    "col_rank": {"vi": "Hạng", "en": "Rank"},
    "col_data": {"vi": "Số liệu", "en": "Data"},
    "status_achieved": {"vi": "Đạt", "en": "achieved"},
    "status_on_track": {"vi": "Đúng tiến độ", "en": "on track"},
    "status_at_risk": {"vi": "Có nguy cơ", "en": "at risk"},
    "status_missed": {"vi": "Không đạt", "en": "missed"},
    "status_no_target": {"vi": "Chưa có kế hoạch", "en": "no target"},
    "status_no_data": {"vi": "Chưa có số liệu", "en": "no data"},
    "data_ok": {"vi": "đủ", "en": "ok"},
    "data_no_data": {"vi": "chưa có", "en": "no data"},
    "data_stale": {"vi": "cũ", "en": "stale"},
    "data_late": {"vi": "nộp muộn", "en": "late"},
    "data_not_approved": {"vi": "chưa duyệt", "en": "not approved"},
    "rows_written": {
        "vi": "✓ đã ghi {rows} dòng vào {path}",
        "en": "✓ {rows} rows written to {path}",
    },
    # words shared by the listings
    "id": {"vi": "Mã số", "en": "Id"},
    "code": {"vi": "Mã", "en": "Code"},
    "name": {"vi": "Tên", "en": "Name"},
    "slug": {"vi": "Mã", "en": "Slug"},
    "state": {"vi": "Trạng thái", "en": "State"},
    "period": {"vi": "Kỳ", "en": "Period"},
    "kind": {"vi": "Loại", "en": "Kind"},
    "expires": {"vi": "Hết hạn", "en": "Expires"},
    "decided_by": {"vi": "Người quyết định", "en": "Decided by"},
    "all": {"vi": "tất cả", "en": "all"},
    "never": {"vi": "không thời hạn", "en": "never"},
    "yes": {"vi": "có", "en": "yes"},
    "no": {"vi": "không", "en": "no"},
    "aborted": {"vi": "Đã huỷ.", "en": "Aborted."},
    # kho init
    "init_home": {"vi": "Thư mục của Kho", "en": "Home"},
    "init_database": {"vi": "Cơ sở dữ liệu siêu dữ liệu", "en": "Metadata database"},
    "init_warehouse": {"vi": "Nơi lưu các bảng", "en": "Warehouse"},
    "init_revision": {"vi": "Phiên bản lược đồ", "en": "Schema revision"},
    # datasets: what `datasets show` lists, and the stored words under the reader's
    "sector": {"vi": "Lĩnh vực", "en": "Sector"},
    "update_frequency": {"vi": "Tần suất cập nhật", "en": "Update frequency"},
    "licence": {"vi": "Giấy phép", "en": "Licence"},
    "keywords": {"vi": "Từ khoá", "en": "Keywords"},
    "contact": {"vi": "Liên hệ", "en": "Contact"},
    "last_loaded_at": {"vi": "Lần nạp gần nhất", "en": "Last loaded"},
    "confirm_delete": {
        "vi": "Xoá {slug} cùng mọi phiên bản của nó?",
        "en": "Delete {slug} and all its versions?",
    },
    "dataset_deleted": {"vi": "đã xoá {slug}", "en": "deleted {slug}"},
    "access_public": {"vi": "công khai", "en": "public"},
    "access_internal": {"vi": "nội bộ", "en": "internal"},
    "access_restricted": {"vi": "hạn chế", "en": "restricted"},
    "freshness_fresh": {"vi": "cập nhật đúng hạn", "en": "up to date"},
    "freshness_due": {"vi": "sắp đến hạn cập nhật", "en": "update due"},
    "freshness_stale": {"vi": "quá hạn cập nhật", "en": "out of date"},
    "freshness_unknown": {"vi": "chưa có lịch cập nhật", "en": "no update schedule"},
    "frequency_daily": {"vi": "hằng ngày", "en": "daily"},
    "frequency_weekly": {"vi": "hằng tuần", "en": "weekly"},
    "frequency_monthly": {"vi": "hằng tháng", "en": "monthly"},
    "frequency_quarterly": {"vi": "hằng quý", "en": "quarterly"},
    "frequency_yearly": {"vi": "hằng năm", "en": "yearly"},
    "frequency_irregular": {"vi": "không định kỳ", "en": "irregular"},
    "op_append": {"vi": "thêm dòng", "en": "append"},
    "op_overwrite": {"vi": "ghi đè", "en": "overwrite"},
    "op_replace": {"vi": "thay thế", "en": "replace"},
    "op_delete": {"vi": "xoá dòng", "en": "delete"},
    "op_unknown": {"vi": "không rõ", "en": "unknown"},
    # inventory
    "inventory_title": {"vi": "Danh mục dữ liệu chưa số hoá ({n})", "en": "Inventory ({n})"},
    "format": {"vi": "Định dạng", "en": "Format"},
    "volume": {"vi": "Khối lượng", "en": "Volume"},
    "plan": {"vi": "Kế hoạch", "en": "Plan"},
    "inventory_not_digitised": {"vi": "chưa số hoá", "en": "not digitised"},
    "inventory_digitised_not_loaded": {"vi": "đã số hoá, chưa nạp", "en": "digitised, not loaded"},
    "inventory_planned": {"vi": "đã có kế hoạch", "en": "planned"},
    "inventory_loaded": {"vi": "đã nạp", "en": "loaded"},
    # audit
    "audit_title": {"vi": "Nhật ký kiểm toán ({n})", "en": "Audit log ({n})"},
    "when_utc": {"vi": "Thời điểm (UTC)", "en": "When (UTC)"},
    "actor": {"vi": "Người thực hiện", "en": "Actor"},
    "action": {"vi": "Hành động", "en": "Action"},
    "resource": {"vi": "Đối tượng", "en": "Resource"},
    "details": {"vi": "Chi tiết", "en": "Details"},
    "audit_ok": {
        "vi": "Toàn bộ {n} mục nhật ký kiểm toán đều nguyên vẹn.",
        "en": "All {n} audit entries verify.",
    },
    "audit_broken": {
        "vi": "Mục nhật ký {id} đã bị sửa, hoặc một mục trước nó đã bị xoá hay sửa đổi: "
        "chuỗi băm bị đứt tại đây.",
        "en": "Audit entry {id} was edited, or an entry before it was deleted or altered: "
        "the hash chain breaks there.",
    },
    # grants
    "grants_title": {"vi": "Quyền đã cấp ({n})", "en": "Grants ({n})"},
    "grantee": {"vi": "Cấp cho", "en": "To"},
    "grant_columns": {"vi": "Cột được đọc", "en": "Columns"},
    "grant_rows": {"vi": "Dòng được đọc", "en": "Rows"},
    "to_org": {"vi": "cơ quan {code}", "en": "organisation {code}"},
    "to_user": {"vi": "người dùng {name}", "en": "user {name}"},
    "state_active": {"vi": "đang hiệu lực", "en": "active"},
    "state_expired": {"vi": "hết hạn", "en": "expired"},
    "state_revoked": {"vi": "đã thu hồi", "en": "revoked"},
    "grant_done": {
        "vi": "quyền {id} ({state}): {who} được đọc {dataset} — cột: {columns}; dòng: {rows}",
        "en": "grant {id} ({state}): {who} reads {dataset} — columns {columns}; rows {rows}",
    },
    # organisations
    "orgs_title": {"vi": "Cơ quan ({n})", "en": "Organisations ({n})"},
    "name_en": {"vi": "Tên tiếng Anh", "en": "English name"},
    "parent": {"vi": "Cơ quan cấp trên", "en": "Parent"},
    "valid": {"vi": "Hiệu lực", "en": "Valid"},
    "valid_from": {"vi": "Hiệu lực từ", "en": "Valid from"},
    "valid_to": {"vi": "Hiệu lực đến", "en": "Valid to"},
    "successor": {"vi": "Cơ quan kế thừa", "en": "Successor"},
    "predecessors": {"vi": "Cơ quan tiền thân", "en": "Predecessors"},
    "children": {"vi": "Cơ quan trực thuộc", "en": "Children"},
    "admin_unit_code": {"vi": "Mã đơn vị hành chính", "en": "Administrative unit code"},
    "org_kind": {"vi": "Loại cơ quan", "en": "Kind"},
    "orgkind_ministry": {"vi": "bộ, ngành", "en": "ministry"},
    "orgkind_province": {"vi": "tỉnh, thành phố", "en": "province"},
    "orgkind_department": {"vi": "sở, ban, ngành", "en": "department"},
    "orgkind_unit": {"vi": "đơn vị", "en": "unit"},
    "org_created": {"vi": "đã tạo {code} {name}", "en": "created {code} {name}"},
    "org_updated": {"vi": "đã cập nhật {code} {name}", "en": "updated {code} {name}"},
    "org_closed": {"vi": "đã đóng {code} {name}", "en": "closed {code} {name}"},
    "org_merged": {
        "vi": "đã sáp nhập {codes} vào {code} {name}",
        "en": "merged {codes} into {code} {name}",
    },
    "closed_to": {"vi": "(đã đóng → {code})", "en": "(closed → {code})"},
    # access requests
    "requests_title": {"vi": "Yêu cầu truy cập ({n})", "en": "Access requests ({n})"},
    "owner": {"vi": "Cơ quan sở hữu", "en": "Owner"},
    "requester": {"vi": "Người gửi", "en": "By"},
    "purpose": {"vi": "Mục đích", "en": "Purpose"},
    "reason_expires": {"vi": "Lý do / hết hạn", "en": "Reason / expires"},
    "request_pending": {"vi": "chờ duyệt", "en": "pending"},
    "request_approved": {"vi": "đã duyệt", "en": "approved"},
    "request_refused": {"vi": "bị từ chối", "en": "refused"},
    "request_expired": {"vi": "hết hạn", "en": "expired"},
    "request_withdrawn": {"vi": "đã rút lại", "en": "withdrawn"},
    "request_done": {
        "vi": "yêu cầu {id} của {user} về {dataset}: {status}",
        "en": "request {id} by {user} for {dataset}: {status}",
    },
    "request_grant": {
        "vi": ", quyền {grant} đến hết {until}",
        "en": ", grant {grant} until {until}",
    },
    # API tokens
    "tokens_title": {"vi": "Mã truy cập API ({n})", "en": "API tokens ({n})"},
    "user": {"vi": "Người dùng", "en": "User"},
    "token_starts": {"vi": "Bắt đầu bằng", "en": "Starts"},
    "scopes": {"vi": "Phạm vi", "en": "Scopes"},
    "last_used": {"vi": "Dùng lần cuối", "en": "Last used"},
    "scope_read": {"vi": "đọc", "en": "read"},
    "scope_write": {"vi": "ghi", "en": "write"},
    "scope_admin": {"vi": "quản trị", "en": "admin"},
    "token_created": {
        "vi": "mã truy cập {id} của {user}, phạm vi {scopes}, hết hạn {expires}. "
        "Hãy chép ngay: mã này sẽ không hiện lại lần nữa:",
        "en": "token {id} for {user}, scopes {scopes}, expires {expires}. "
        "Copy it now; it is not shown again:",
    },
    "token_revoked": {
        "vi": "đã thu hồi mã truy cập {id} ({name}) của {user}",
        "en": "token {id} ({name}) of {user} revoked",
    },
    # users
    "users_title": {"vi": "Người dùng ({n})", "en": "Users ({n})"},
    "username": {"vi": "Tên đăng nhập", "en": "Username"},
    "full_name": {"vi": "Họ và tên", "en": "Name"},
    "email": {"vi": "Thư điện tử", "en": "E-mail"},
    "roles": {"vi": "Vai trò", "en": "Roles"},
    "platform_admin": {"vi": "Quản trị hệ thống", "en": "Admin"},
    "active": {"vi": "Đang hoạt động", "en": "Active"},
    "locked": {"vi": "Bị khoá", "en": "Locked"},
    "user_locked": {"vi": "đang bị khoá", "en": "locked"},
    "last_login_at": {"vi": "Đăng nhập lần cuối", "en": "Last sign-in"},
    "created_at": {"vi": "Ngày tạo", "en": "Created"},
    "role_admin": {"vi": "quản trị viên", "en": "admin"},
    "role_editor": {"vi": "biên tập viên", "en": "editor"},
    "role_viewer": {"vi": "người xem", "en": "viewer"},
    "password": {"vi": "Mật khẩu", "en": "Password"},
    "admin_mark": {"vi": " (quản trị hệ thống)", "en": " (platform admin)"},
    "no_roles": {"vi": "chưa có vai trò", "en": "no roles"},
    "user_created": {"vi": "đã tạo {user}{admin}: {roles}", "en": "created {user}{admin}: {roles}"},
    "user_updated": {
        "vi": "đã cập nhật {user}{admin}: {roles}",
        "en": "updated {user}{admin}: {roles}",
    },
    "user_roles": {
        "vi": "vai trò của {user}{admin}: {roles}",
        "en": "roles of {user}{admin}: {roles}",
    },
    "password_set": {"vi": "đã đặt mật khẩu cho {user}", "en": "password of {user} set"},
    "unlocked": {"vi": "đã mở khoá {user}", "en": "{user} unlocked"},
    # indicators
    "indicators_title": {"vi": "Chỉ tiêu ({n})", "en": "Indicators ({n})"},
    "direction": {"vi": "Chiều đánh giá", "en": "Direction"},
    "indicator_type": {"vi": "Loại", "en": "Type"},
    "pack": {"vi": "Bộ chỉ tiêu", "en": "Pack"},
    "numerator": {"vi": "Tử số", "en": "Numerator"},
    "denominator": {"vi": "Mẫu số", "en": "Denominator"},
    "direction_higher": {"vi": "càng cao càng tốt", "en": "higher is better"},
    "direction_lower": {"vi": "càng thấp càng tốt", "en": "lower is better"},
    "itype_computed": {"vi": "tính từ dữ liệu", "en": "computed"},
    "itype_reported": {"vi": "đơn vị báo cáo", "en": "reported"},
    "pack_loaded": {
        "vi": "✓ {pack}: {n} chỉ tiêu ({codes}), {targets} chỉ tiêu kế hoạch mới",
        "en": "✓ {pack}: {n} indicators ({codes}), {targets} new targets",
    },
    "trace_source": {
        "vi": "nguồn: {source} (snapshot {snapshot}), tính lúc {computed}",
        "en": "source: {source} (snapshot {snapshot}), computed {computed}",
    },
    "trace_sql": {
        "vi": "câu SQL cho ra giá trị này (chạy lại được bằng `kho sql`):",
        "en": "value SQL (run it with `kho sql`):",
    },
    "trace__in_numerator": {"vi": "Thuộc tử số", "en": "In numerator"},
    "trace__in_denominator": {"vi": "Thuộc mẫu số", "en": "In denominator"},
    "entries_title": {
        "vi": "Số liệu đã nhập của {code} ({n})",
        "en": "Entered values of {code} ({n})",
    },
    "entered_by": {"vi": "Người nhập", "en": "Entered by"},
    "decision_note": {"vi": "Ghi chú khi quyết định", "en": "Decision note"},
    "entry_submitted": {"vi": "chờ duyệt", "en": "submitted"},
    "entry_approved": {"vi": "đã duyệt", "en": "approved"},
    "entry_returned": {"vi": "bị trả lại", "en": "returned"},
    # targets
    "targets_title": {"vi": "Chỉ tiêu kế hoạch của {code} ({n})", "en": "Targets of {code} ({n})"},
    "set_by": {"vi": "Người đặt", "en": "Set by"},
    "set_at": {"vi": "Thời điểm đặt", "en": "Set at"},
    "target_kind_assigned": {"vi": "cấp trên giao", "en": "assigned"},
    "target_kind_proposed": {"vi": "đơn vị đăng ký", "en": "proposed"},
    "target_status_active": {"vi": "đang áp dụng", "en": "active"},
    "target_status_proposed": {"vi": "chờ duyệt", "en": "proposed"},
    "target_status_approved": {"vi": "đã duyệt", "en": "approved"},
    "target_status_sent_back": {"vi": "bị trả lại", "en": "sent back"},
    "target_done": {
        "vi": "✓ chỉ tiêu kế hoạch {id}: {indicator} {org} {period} = {target} ({kind}, {status})",
        "en": "✓ target {id}: {indicator} {org} {period} = {target} ({kind}, {status})",
    },
    # kho maintain
    "files_before": {"vi": "Số tệp trước", "en": "Files before"},
    "files_after": {"vi": "Số tệp sau", "en": "Files after"},
    "snapshots_expired": {"vi": "Phiên bản cũ đã xoá", "en": "Snapshots expired"},
    "orphans_deleted": {"vi": "Tệp thừa đã xoá", "en": "Orphans deleted"},
    "retries": {"vi": "Số lần thử lại", "en": "Retries"},
    "seconds_col": {"vi": "Giây", "en": "Seconds"},
    # administrative units
    "units_title": {"vi": "{n} đơn vị, danh mục {version}", "en": "{n} unit(s), list {version}"},
    "unit_ok": {"vi": "xác định được", "en": "ok"},
    "as_written": {"vi": "theo tên đã ghi:", "en": "as written:"},
    "today": {"vi": "hiện nay:", "en": "today:"},
    "in_list": {"vi": "(danh mục {version})", "en": "(list {version})"},
    "in_list_level": {"vi": "(danh mục {version}, {level})", "en": "(list {version}, {level})"},
    "split_partial": {
        "vi": "bị chia cho nhiều đơn vị (sáp nhập một phần)",
        "en": "split among several units (partial merge)",
    },
    "became": {"vi": "Trở thành", "en": "Became"},
    "became_split": {
        "vi": "Trở thành (bị chia: sáp nhập một phần)",
        "en": "Became (split: partial merge)",
    },
    "formed_from": {"vi": "Hình thành từ", "en": "Formed from"},
    "partly_merged": {"vi": "Chỉ sáp nhập một phần: {units}", "en": "Only partly merged: {units}"},
    "unit_type": {"vi": "Loại", "en": "Type"},
    "province": {"vi": "Tỉnh, thành phố", "en": "Province"},
    "list": {"vi": "Danh mục", "en": "List"},
    "level_province": {"vi": "tỉnh", "en": "province"},
    "level_district": {"vi": "huyện", "en": "district"},
    "level_commune": {"vi": "xã", "en": "commune"},
    # why a unit name was not placed (the registry's notes, see NOTES below)
    "note_empty": {"vi": "tên trống", "en": "empty"},
    "note_too_long": {"vi": "dài quá {n} ký tự", "en": "longer than {n} characters"},
    "note_no_diacritics": {"vi": "khớp khi bỏ qua dấu", "en": "matched ignoring diacritics"},
    "note_no_code": {
        "vi": "không có mã này trong danh mục {version}",
        "en": "no such code in list {version}",
    },
    "note_no_name": {"vi": "không có đơn vị nào mang tên này", "en": "no unit of that name"},
    "note_same_name": {
        "vi": "{n} đơn vị cùng tên; hãy ghi rõ tỉnh",
        "en": "{n} units of that name; give the province",
    },
    "note_not_converted": {
        "vi": "không có trong bảng chuyển đổi; tỉnh của nó nay là {names}",
        "en": "not in the conversion table; its province is now {names}",
    },
    "note_no_unit": {"vi": "không ghi đơn vị", "en": "no unit written"},
    "note_divided": {
        "vi": "{unit} (danh mục {version}) nay là {names} trong danh mục {target}; "
        "không chia được các dòng của nó cho các đơn vị này",
        "en": "{unit} (list {version}) is {names} in list {target}; "
        "its rows cannot be divided between them",
    },
    # syncs, migrations and their runs
    "sync_added": {
        "vi": "Đã thêm kết nối đồng bộ {name}: {mode}, {schedule}.",
        "en": "Sync {name} added: {mode}, {schedule}.",
    },
    "syncmode_watermark": {"vi": "theo cột mốc", "en": "watermark"},
    "syncmode_keys": {"vi": "đối chiếu theo khoá", "en": "keys"},
    "last_next": {
        "vi": "lần gần nhất: {last}  lần tới: {next}",
        "en": "last: {last}  next: {next}",
    },
    "attempt": {"vi": "lần thử {n}", "en": "attempt {n}"},
    "scheduler_stopped": {
        "vi": "Bộ lập lịch đã dừng sau {n} lần chạy.",
        "en": "Scheduler stopped after {n} run(s).",
    },
    "run_ok": {"vi": "thành công", "en": "ok"},
    "run_failed": {"vi": "thất bại", "en": "failed"},
    "run_running": {"vi": "đang chạy", "en": "running"},
    "run_skipped": {"vi": "bỏ qua", "en": "skipped"},
    "run_mismatch": {"vi": "không khớp", "en": "mismatch"},
    "run_with_errors": {"vi": "có lỗi", "en": "with errors"},
    "mismatch_detail": {
        "vi": "{column}: ô trống {nulls}, tổng kiểm tra {checksum}",
        "en": "{column}: nulls {nulls}, checksum {checksum}",
    },
}

# The registry's notes (kho.units.resolver, kho.indicators.orgtree) are English sentences; each
# pattern names the parts a translation refills. Notes are joined with "; ", and two of them hold
# a "; " themselves, so values never span one.
NOTES: tuple[tuple[str, str], ...] = (
    ("note_same_name", r"(?P<n>\d+) units of that name; give the province"),
    ("note_not_converted", r"not in the conversion table; its province is now (?P<names>[^;]+)"),
    (
        "note_divided",
        r"(?P<unit>[^;]+?) \(list (?P<version>[\w-]+)\) is (?P<names>[^;]+?) in list "
        r"(?P<target>[\w-]+); its rows cannot be divided between them",
    ),
    ("note_too_long", r"longer than (?P<n>\d+) characters"),
    ("note_no_code", r"no such code in list (?P<version>[\w-]+)"),
    ("note_no_name", r"no unit of that name"),
    ("note_no_diacritics", r"matched ignoring diacritics"),
    ("note_no_unit", r"no unit written"),
    ("note_empty", r"empty"),
)


def num(value: float, lang: str = "vi", *, decimals: int | None = None) -> str:
    """A number as the reader writes it: ``22.000.000`` and ``0,5`` in Vietnamese, ``22,000,000``
    and ``0.5`` in English (the same rules as the pages, so the terminal and the portal agree)."""
    from kho.web.i18n import format_number

    return format_number(value, lang, decimals=decimals)


def t(key: str, lang: str = "vi", **params: object) -> str:
    """The message in ``lang`` (falling back to Vietnamese, then to the key itself)."""
    entry = MESSAGES.get(key, {})
    text = entry.get(lang) or entry.get("vi") or key
    return text.format(**params) if params else text


def label(kind: str, value: str, lang: str = "vi") -> str:
    """A stored word (status, level, role…) as the reader says it; stored values never change, and
    a value without a translation is shown as it is."""
    key = f"{kind}_{value}"
    return t(key, lang) if key in MESSAGES else value


def unit_note(note: str, lang: str = "vi") -> str:
    """The registry's note on a unit name in the reader's language (unknown parts stay as written)."""
    return "; ".join(_note(part, lang) for part in _note_parts(note))


def _note(part: str, lang: str) -> str:
    import re

    for key, pattern in NOTES:
        found = re.fullmatch(pattern, part)
        if found:
            return t(key, lang, **found.groupdict())
    return part


def _note_parts(note: str) -> list[str]:
    """The single notes of a joined note, keeping together the ones with a "; " inside."""
    import re

    pieces, out, i = note.split("; "), [], 0
    while i < len(pieces):
        pair = "; ".join(pieces[i : i + 2])
        whole = i + 1 < len(pieces) and any(re.fullmatch(p, pair) for _, p in NOTES)
        out.append(pair if whole else pieces[i])
        i += 2 if whole else 1
    return out
