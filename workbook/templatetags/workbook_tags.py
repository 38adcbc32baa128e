"""What the Excel panel on the cluster-year page needs: the imports and what the user may do."""
from django import template

from users.access import has_permission
from workbook.selectors import import_batch_amounts, import_batches

register = template.Library()


@register.simple_tag
def workbook_imports(cluster_year):
    """The cluster-year's imports, newest first (one query)."""
    return list(import_batches(cluster_year))


@register.simple_tag
def workbook_may(user, action, cluster_year):
    return has_permission(user, action, cluster_year)


@register.simple_tag
def workbook_import_amounts(batch):
    """The import's expenses and income, apart (one query)."""
    return import_batch_amounts(batch)
