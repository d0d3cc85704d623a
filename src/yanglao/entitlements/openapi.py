"""The OpenAPI 3.1 description of the HTTP API, served at ``/api/openapi.json`` (docs/api.md)."""

from __future__ import annotations

from typing import Any

from yanglao import __version__

NULLABLE_NUMBER = {"type": ["number", "null"]}
NULLABLE_STRING = {"type": ["string", "null"]}


def _item(parts: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "no": {"type": "string", "description": "清单序号（原文）"},
        "code": {"type": "string", "description": "服务代码"},
        "name": {"type": "string"},
        "status": {"type": "string", "enum": ["granted", "not_granted", "excluded", "not_evaluable"]},
        "status_words": {"type": "string", "description": "可享受 / 不符合条件 / 择高未享受 / 无法机器判断"},
        "granted": {"type": "boolean"},
        "amount": {**NULLABLE_NUMBER, "description": "元；未享受或清单未定金额时为 null"},
        "period": {"type": ["string", "null"], "enum": ["month", "year", "once", None]},
        "amount_text": {"type": "string", "description": "金额如何算得"},
        "reasons": {
            "type": "array",
            "items": {"type": "string"},
            "description": "为什么享受或不享受（白话）",
        },
        "reason_detail": {"type": "string", "description": "逐条条件的判断"},
        "conditions": {"type": "array", "items": {"$ref": "#/components/schemas/Condition"}},
        "parameters": {"type": "array", "items": {"$ref": "#/components/schemas/Parameter"}},
        "payee": {
            "type": "string",
            "enum": ["person", "institution"],
            "description": "领取方：本人或服务机构",
        },
        "placeholder": {"type": "boolean", "description": "金额按示例值计算，不是实际金额"},
        "quantity": {
            "type": ["object", "null"],
            "description": "金额以外的数量：次数（每月/每年）、百分比、保额、免费、优先",
            "properties": {
                "value": NULLABLE_NUMBER,
                "unit": {"type": "string", "enum": ["times", "percent", "sum_insured", "free", "priority"]},
                "per": {"type": ["string", "null"], "enum": ["month", "year", "once", None]},
                "comparison": {"type": ["string", "null"], "enum": ["floor", "ceiling", "exact", None]},
            },
        },
        "choice": {"type": "string", "description": "择高，由本人选择：与哪些项目只能申领其一（空：无）"},
    }
    required = list(properties)
    if parts:
        properties["parts"] = {"type": "array", "items": {"$ref": "#/components/schemas/Part"}}
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


COMPONENTS: dict[str, Any] = {
    "schemas": {
        "Condition": {
            "type": "object",
            "properties": {
                "text": {"type": "string", "description": "条件原文，如“年龄 ≥ 80周岁”"},
                "value": {"type": "string", "description": "本人的值，如“本人：87周岁”"},
                "met": {"type": "boolean"},
            },
            "required": ["text", "value", "met"],
            "additionalProperties": False,
        },
        "Parameter": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "label": {"type": "string"},
                "value": NULLABLE_NUMBER,
                "unit": {"type": "string"},
                "valid_from": {**NULLABLE_STRING, "format": "date", "description": "该值自何日起施行"},
                "reference": {"type": "string", "description": "依据（文件、文号）"},
                "example": {"type": "boolean", "description": "示例值，须替换为本地标准"},
                "text": {"type": "string"},
            },
            "required": ["name", "label", "value", "unit", "valid_from", "reference", "example", "text"],
            "additionalProperties": False,
        },
        "Item": _item(parts=True),
        "Part": _item(parts=False),
        "Entitlements": {
            "type": "object",
            "properties": {
                "person": {
                    "type": "object",
                    "properties": {
                        "id_number": {"type": "string", "description": "脱敏的公民身份号码"},
                        "jurisdiction_catalog": {**NULLABLE_STRING, "description": "户籍所在辖区适用的清单"},
                    },
                    "required": ["id_number", "jurisdiction_catalog"],
                },
                "catalog": {"type": "string"},
                "catalog_name": {"type": "string"},
                "date": {"type": "string", "format": "date"},
                "deceased": {"type": "boolean"},
                "options": {"type": "object", "additionalProperties": {"type": "boolean"}},
                "granted": {"type": "array", "items": {"type": "string"}, "description": "可享受项目的序号"},
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                "notes": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "关于清单本身：征求意见稿、尚未施行或已终止",
                },
            },
            "required": [
                "person",
                "catalog",
                "catalog_name",
                "date",
                "deceased",
                "options",
                "granted",
                "items",
            ],
        },
        "Error": {
            "type": "object",
            "properties": {"error": {"type": "string"}},
            "required": ["error"],
        },
    },
    "securitySchemes": {
        "token": {"type": "http", "scheme": "bearer", "description": "yanglao apitoken 建立的令牌"},
        "session": {"type": "apiKey", "in": "cookie", "name": "sessionid", "description": "网页登录会话"},
    },
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def schema() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "yanglao 基本养老服务 API",
            "version": __version__,
            "description": "按清单判断一位老年人可以享受哪些基本养老服务，并说明理由。"
            "所有调用按用户的辖区范围限制，并记入审计日志。",
        },
        "servers": [{"url": "/"}],
        "security": [{"token": []}, {"session": []}],
        "paths": {
            "/api/persons/{id_number}/entitlements": {
                "get": {
                    "operationId": "personEntitlements",
                    "summary": "一位老年人在某日按某清单可享受的服务及理由",
                    "parameters": [
                        {
                            "name": "id_number",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^[0-9]{15}([0-9]{2}[0-9Xx])?$"},
                            "description": "公民身份号码（18 位或 15 位）",
                        },
                        {
                            "name": "catalog",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "pattern": "^[0-9]{6}$"},
                            "description": "清单（区划代码）；默认为户籍所在辖区的清单",
                        },
                        {
                            "name": "date",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "format": "date"},
                            "description": "判断日期 YYYY-MM-DD；默认为今天",
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "清单每一项：是否享受、金额、周期、理由、条件与本人的值、参数及其施行日期和依据",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Entitlements"}}
                            },
                        },
                        "400": _error("日期或清单参数有误"),
                        "401": _error("未登录，或令牌无效、已停用、已过期"),
                        "403": _error("当前角色不能查询待遇"),
                        "404": _error("没有此人，或此人不在您的辖区内"),
                    },
                }
            }
        },
        "components": COMPONENTS,
    }
