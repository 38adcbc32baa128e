from django.shortcuts import render

from geography.models import Region


def region_list(request):
    return render(request, "geography/region_list.html", {"regions": Region.objects.all()})
