"""``{% load places %}``: ``{{ plan.county_fips|county_name }}``, ``{% place_name s c %}``."""

from __future__ import annotations

from django import template

from upstream.core import places

register = template.Library()


@register.filter
def state_name(state_fips: str) -> str:
    return places.state_name(str(state_fips or ""))


@register.filter
def county_name(county_fips: str) -> str:
    return places.county_name(str(county_fips or ""))


@register.simple_tag
def place_name(state_fips: str = "", county_fips: str = "") -> str:
    return places.place_name(str(state_fips or ""), str(county_fips or ""))
