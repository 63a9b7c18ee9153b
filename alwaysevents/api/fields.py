"""Serializer fields that check input with `alwaysevents.input_checks`, like the forms do."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from alwaysevents.input_checks import NumberLimit, number_problem


class ColumnDecimalField(serializers.DecimalField):
    """A DecimalField whose too-large or too-precise numbers get the forms' plain message
    (the limits come from the model column: ModelSerializer passes them)."""

    def validate_precision(self, value: Decimal) -> Decimal:
        if self.max_digits is None or self.decimal_places is None:
            return super().validate_precision(value)
        problem = number_problem(value, NumberLimit(self.max_digits, self.decimal_places))
        if problem:
            raise serializers.ValidationError(problem, code="number_limit")
        return value
