from django import forms

from review.models import Evaluation, SpreadingChoice, SpreadingDecision


class TransitionForm(forms.Form):
    comment = forms.CharField(label="Kommentar", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    text = forms.CharField(label="Kommentar", widget=forms.Textarea(attrs={"rows": 3}))


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = [
            "challenge", "success_criteria", "measurement", "measured_when", "follow_up_responsible",
            "result", "status",
        ]
        widgets = {
            "challenge": forms.Textarea(attrs={"rows": 3}),
            "success_criteria": forms.Textarea(attrs={"rows": 3}),
            "measurement": forms.Textarea(attrs={"rows": 3}),
            "result": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "result": "Hvad viste evalueringen? Udfyldes, når evalueringen er afsluttet.",
        }



class SpreadingDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(label="Beslutning", choices=SpreadingChoice.choices, widget=forms.RadioSelect)

    class Meta:
        model = SpreadingDecision
        fields = ["decision", "reasons"]
        widgets = {"reasons": forms.Textarea(attrs={"rows": 3})}
